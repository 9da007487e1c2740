using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>
/// After the SSE headers, an upstream failure that is not retried is an error event with a stable code, and
/// the answer is stored as failed. Retries are off here; RecoveryTests cover them.
/// </summary>
public abstract class UpstreamErrorEventTests(UpstreamWire wire)
{
    private Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null, Uri? upstream = null) =>
        TestHost.StartAsync(settings, upstream, wire);

    private static readonly Dictionary<string, string?> s_noRetries = new() { ["Resilience:MaxRetryAttempts"] = "0" };

    private static async Task<(List<ReceivedEvent> Events, System.Text.Json.JsonElement Stored)> RunAsync(
        TestHost host, string model = "llama3.2")
    {
        var session = await host.CreateSessionAsync(model);
        var accepted = await host.SendAsync(session, "Hello");
        var events = await host.Events(accepted.EventsUrl).ReadToEndAsync();
        return (events, (await host.GetSessionAsync(session)).GetProperty("messages")[1]);
    }

    [Fact]
    public async Task AModelThatIsNotInstalled_IsAModelNotFoundError_ThatSaysHowToPullIt()
    {
        await using var host = await StartAsync(s_noRetries);

        var (events, stored) = await RunAsync(host, "mistral:7b");

        var error = events[^1];
        Assert.Equal("error", error.Type);
        Assert.Equal("model_not_found", error.Data.GetProperty("code").GetString());
        // Ollama can pull it; an OpenAI-compatible server is told which upstream lacks which model.
        Assert.Contains(wire == UpstreamWire.Ollama ? "ollama pull mistral:7b" : "'emulator' has no model 'mistral:7b'",
            error.Data.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(error.Data.GetProperty("retryable").GetBoolean());
        Assert.Equal("error", stored.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnUpstreamThatIsDown_IsAnUnreachableError()
    {
        await using var host = await StartAsync(s_noRetries, OllamaClientFactory.RefusingAddress());

        var (events, stored) = await RunAsync(host);

        Assert.Equal("upstream_unreachable", events[^1].Data.GetProperty("code").GetString());
        Assert.True(events[^1].Data.GetProperty("retryable").GetBoolean());
        Assert.Equal("upstream_unreachable", stored.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnUpstream500_IsAnUpstreamError_WithOllamasMessage()
    {
        await using var host = await StartAsync(s_noRetries);
        host.Emulator.Scripts.Enqueue(ChatScript.Status(500, "llama runner process has terminated: signal: killed"));

        var (events, _) = await RunAsync(host);

        Assert.Equal("upstream_error", events[^1].Data.GetProperty("code").GetString());
        Assert.Contains("llama runner process has terminated", events[^1].Data.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorLineMidAnswer_EndsTheStreamWithAModelError_AndKeepsThePartialAnswer()
    {
        await using var host = await StartAsync(s_noRetries);
        host.Emulator.Scripts.Enqueue(ChatScript.Answer("Once", " upon", " a", " time").ErrorLineAfter(2));

        var (events, stored) = await RunAsync(host);

        Assert.Equal("Once upon", events.AnswerText());
        Assert.Equal("model_error", events[^1].Data.GetProperty("code").GetString());
        Assert.Equal("Once upon", stored.GetProperty("content").GetString());
        Assert.Equal("error", stored.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AMalformedLine_IsAMalformedResponseError()
    {
        await using var host = await StartAsync(s_noRetries);
        host.Emulator.Scripts.Enqueue(ChatScript.Answer("Once", " upon").MalformedLineAfter(1));

        var (events, _) = await RunAsync(host);

        Assert.Equal("upstream_malformed_response", events[^1].Data.GetProperty("code").GetString());
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
    }
}

public sealed class UpstreamErrorEventTestsOverOllama() : UpstreamErrorEventTests(UpstreamWire.Ollama);

public sealed class UpstreamErrorEventTestsOverOpenAi() : UpstreamErrorEventTests(UpstreamWire.OpenAi);
