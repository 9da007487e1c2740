using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator;

namespace Smail.Tests.Infrastructure;

/// <summary>
/// The emulator and Smail, both on loopback ports, and a client for Smail's API: what every
/// end-to-end test news up.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private TestHost(OllamaEmulator.OllamaEmulator emulator, SmailApplication app)
    {
        Emulator = emulator;
        App = app;
        Client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    private bool _disposed;

    public OllamaEmulator.OllamaEmulator Emulator { get; }
    public SmailApplication App { get; }
    public HttpClient Client { get; }

    public static async Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null, Uri? upstream = null, UpstreamWire wire = UpstreamWire.Ollama)
    {
        var emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        return new TestHost(emulator, new SmailApplication(upstream ?? emulator.BaseAddress, settings, wire));
    }

    public async Task<string> CreateSessionAsync(string? model = "llama3.2", string? systemPrompt = null)
    {
        using var response = await Client.PostAsJsonAsync("/api/sessions", new { model, systemPrompt });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<Accepted> SendAsync(string sessionId, string content, string? model = null)
    {
        using var response = await Client.PostAsJsonAsync($"/api/sessions/{sessionId}/messages", new { content, model });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Accepted>(JsonSerializerOptions.Web))!;
    }

    public async Task<JsonElement> GetSessionAsync(string sessionId) =>
        await Client.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}");

    public SseClient Events(string eventsUrl) => new(Client, eventsUrl);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Client.Dispose();
        await App.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    public sealed record Accepted(string UserMessageId, string AssistantMessageId, string GenerationId, string EventsUrl);
}
