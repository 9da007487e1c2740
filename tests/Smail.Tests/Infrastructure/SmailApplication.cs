using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Smail.Tests.Infrastructure;

/// <summary>How Smail is told to speak to the emulator: Ollama's native API, or an OpenAI-compatible server's.</summary>
public enum UpstreamWire
{
    Ollama,
    OpenAi,
}

/// <summary>
/// Smail itself on a real Kestrel loopback port (not the in-memory test server, which hides disconnects),
/// with its own store folder and the given upstream, spoken to over the given wire.
/// </summary>
public sealed class SmailApplication : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    /// <summary>The upstream's name when the emulator plays an OpenAI-compatible server.</summary>
    public const string OpenAiUpstream = "emulator";

    public SmailApplication(Uri upstream, IDictionary<string, string?>? settings = null, UpstreamWire wire = UpstreamWire.Ollama)
    {
        StorePath = Path.Combine(Path.GetTempPath(), "smail-tests", Guid.NewGuid().ToString("N"));
        _settings = wire == UpstreamWire.Ollama
            ? new Dictionary<string, string?> { ["Ollama:BaseUrl"] = upstream.ToString() }
            : new Dictionary<string, string?>
            {
                [$"Upstreams:{OpenAiUpstream}:Type"] = "openai",
                [$"Upstreams:{OpenAiUpstream}:BaseUrl"] = new Uri(upstream, "v1").ToString(),
                // llama.cpp's server and LM Studio continue a trailing assistant message, as Ollama does.
                [$"Upstreams:{OpenAiUpstream}:Continuation"] = "prefill",
            };
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["Storage:Path"] = StorePath,
            // Configuration filters win over SetMinimumLevel; keep test output to what matters.
            ["Logging:LogLevel:Default"] = "Warning",
            // Retries as in production, only without the waiting.
            ["Resilience:RetryDelay"] = "00:00:00.010",
            ["Resilience:MaxRetryDelay"] = "00:00:00.050",
            // A title request after each first answer would take the emulator's next script: the title tests ask for them.
            ["Titles:Enabled"] = "false",
        })
        {
            _settings[key] = value;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        // UseKestrel(0) races Kestrel's own bind in minimal-API apps (dotnet/aspnetcore#67714); a port-0 URL does not.
        _settings["urls"] = "http://127.0.0.1:0";
        UseKestrel();
    }

    public string StorePath { get; }

    /// <summary>Everything the app logged at Warning and above, with scopes.</summary>
    public CapturedLogs Logs { get; } = new();

    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TemporaryFolders.Delete(StorePath);
    }
}
