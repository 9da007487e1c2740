using Smail.Ollama;

namespace Smail.Tests.Infrastructure;

/// <summary>Base for tests of the emulator itself: a fresh one per test, and a plain HTTP client for it.</summary>
public abstract class EmulatorTest : IAsyncLifetime
{
    protected OllamaEmulator.OllamaEmulator Emulator { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        Http = new HttpClient { BaseAddress = Emulator.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}

/// <summary>Base for tests of the Ollama client: a fresh emulator per test and the client as Smail configures it.</summary>
public abstract class OllamaClientTest(IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private IDisposable? _scope;

    protected OllamaEmulator.OllamaEmulator Emulator { get; private set; } = null!;
    internal IChatUpstream Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        (Client, _scope) = OllamaClientFactory.Create(Emulator.BaseAddress, settings);
    }

    public async Task DisposeAsync()
    {
        _scope?.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>"Hello" to <paramref name="model"/>; <paramref name="think"/> as the request's thinking switch (null: not said).</summary>
    internal static UpstreamChatRequest Hello(string model = "llama3.2", bool? think = null) =>
        new(model, [new UpstreamMessage("user", "Hello")], think);

    /// <summary>Every chunk of one answer, in order (into <paramref name="into"/> as they come, when given).</summary>
    internal async Task<List<UpstreamChunk>> CollectAsync(UpstreamChatRequest request, List<UpstreamChunk>? into = null)
    {
        var chunks = into ?? [];
        await foreach (var chunk in Client.StreamChatAsync(request, CancellationToken.None))
        {
            chunks.Add(chunk);
        }
        return chunks;
    }
}

/// <summary>
/// Base for end-to-end tests: a fresh emulator and Smail per test, speaking the given wire. A suite that must hold
/// for both wires is an abstract class with one sealed subclass per wire (<c>…OverOllama</c>, <c>…OverOpenAi</c>).
/// </summary>
public abstract class HostedTest(UpstreamWire wire = UpstreamWire.Ollama) : IAsyncLifetime
{
    protected TestHost Host { get; private set; } = null!;

    protected UpstreamWire Wire => wire;

    public virtual Task InitializeAsync() => InitializeAsync(null);

    protected async Task InitializeAsync(IDictionary<string, string?>? settings) => Host = await TestHost.StartAsync(settings, wire: wire);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
