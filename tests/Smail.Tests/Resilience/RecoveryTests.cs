using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Resilience;

/// <summary>
/// One test per fault of the emulator: what listeners see, and what is stored. Failures before the first
/// token are retried; failures mid-answer are continued, and the reassembled answer is exact. Over both wires.
/// </summary>
public abstract class RecoveryTests(UpstreamWire wire)
{
    private Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null, Uri? upstream = null) =>
        TestHost.StartAsync(settings, upstream, wire);

    private const string Full = "Once upon a time, 🐉 a dragon \"guarded\" the\nhill.";
    private static readonly string[] s_chunks = [.. ChatScript.Answer(Full, elementsPerChunk: 4).Chunks.Select(c => c.Content)];

    /// <summary>The answer's chunks from <paramref name="from"/> on: what the model writes when asked to continue.</summary>
    private static ChatScript Rest(int from) => ChatScript.Answer(s_chunks[from..]);

    private static async Task<(List<ReceivedEvent> Events, JsonElement Stored)> AskAsync(TestHost host)
    {
        var session = await host.CreateSessionAsync();
        var accepted = await host.SendAsync(session, "Tell me a story");
        var events = await host.Events(accepted.EventsUrl).ReadToEndAsync(timeout: TimeSpan.FromSeconds(30));
        return (events, (await host.GetSessionAsync(session)).GetProperty("messages")[1]);
    }

    private static IEnumerable<JsonElement> Retrying(List<ReceivedEvent> events) =>
        events.Where(e => e.Type == "status" && e.Data.GetProperty("state").GetString() == "retrying").Select(e => e.Data);

    private static void AssertComplete(List<ReceivedEvent> events, JsonElement stored, string expected)
    {
        Assert.Equal("done", events[^1].Type);
        Assert.Equal(expected, events.AnswerText());
        Assert.Equal(expected, stored.GetProperty("content").GetString());
        Assert.Equal("complete", stored.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
    }

    [Theory]
    [InlineData(500, "llama runner process has terminated", "upstream_error")]
    [InlineData(502, "bad gateway", "upstream_error")]
    [InlineData(503, "server busy, please try again.  maximum pending requests exceeded", "upstream_busy")]
    public async Task AnErrorStatusBeforeTheFirstToken_IsRetried_AndAnnounced(int status, string message, string reason)
    {
        await using var host = await StartAsync();
        host.Emulator.Scripts.Enqueue(ChatScript.Status(status, message), ChatScript.Answer(s_chunks));

        var (events, stored) = await AskAsync(host);

        AssertComplete(events, stored, Full);
        var retry = Assert.Single(Retrying(events));
        Assert.Equal(2, retry.GetProperty("attempt").GetInt32());
        Assert.Equal(reason, retry.GetProperty("reason").GetString());
        Assert.True(retry.GetProperty("delayMs").GetInt32() >= 0);
    }

    [Fact]
    public async Task A429WithRetryAfter_IsRetriedNoSoonerThanItSays_AndAnnouncedWithThatDelay()
    {
        // The tests' own backoff is 10-50 ms: only the upstream's Retry-After can make the retry wait a second.
        await using var host = await StartAsync();
        host.Emulator.Scripts.Enqueue(ChatScript.Status(429, "too many requests") with { RetryAfter = TimeSpan.FromSeconds(1) }, ChatScript.Answer(s_chunks));

        var (events, stored) = await AskAsync(host);

        AssertComplete(events, stored, Full);
        var retry = Assert.Single(Retrying(events));
        Assert.Equal("upstream_busy", retry.GetProperty("reason").GetString());
        Assert.Equal(1000, retry.GetProperty("delayMs").GetInt32());
        var chats = host.Emulator.Requests.Chats;
        var waited = System.Diagnostics.Stopwatch.GetElapsedTime(chats[0].ReceivedTimestamp, chats[1].ReceivedTimestamp);
        // The timer that waits and the clock that measures are not the same clock: a few milliseconds of slack.
        Assert.True(waited >= TimeSpan.FromMilliseconds(980), $"retried after {waited.TotalMilliseconds:0.0} ms");
    }

    [Fact]
    public async Task ARefusedConnection_IsRetriedWithBackoff_ThenReportedWithTheAnswerKeptAsAnError()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Resilience:MaxRetryAttempts"] = "2" },
            OllamaClientFactory.RefusingAddress());

        var (events, stored) = await AskAsync(host);

        Assert.Equal([2, 3], Retrying(events).Select(r => r.GetProperty("attempt").GetInt32()));
        Assert.All(Retrying(events), r => Assert.Equal("upstream_unreachable", r.GetProperty("reason").GetString()));
        Assert.Equal("upstream_unreachable", events[^1].Data.GetProperty("code").GetString());
        Assert.Equal("error", stored.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AModelThatIsNotInstalled_IsNotRetried()
    {
        await using var host = await StartAsync();
        host.Emulator.Scripts.Enqueue(ChatScript.Status(404, "model 'llama3.2' not found"));

        var (events, _) = await AskAsync(host);

        Assert.Empty(Retrying(events));
        Assert.Equal("model_not_found", events[^1].Data.GetProperty("code").GetString());
        Assert.Single(host.Emulator.Requests.Chats);
    }

    [Theory]
    [InlineData("reset", 3)]
    [InlineData("error line", 5)]
    [InlineData("malformed line", 2)]
    [InlineData("stall", 4)]
    public async Task AFailureMidAnswer_IsContinued_SoListenersSeeOneSeamlessAnswer(string fault, int atChunk)
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Ollama:IdleTimeout"] = "00:00:00.300" });
        var first = ChatScript.Answer(s_chunks);
        host.Emulator.Scripts.Enqueue(fault switch
        {
            "reset" => first.ResetAfter(atChunk),
            "error line" => first.ErrorLineAfter(atChunk),
            "malformed line" => first.MalformedLineAfter(atChunk),
            _ => first.StallAfter(atChunk),
        }, Rest(atChunk));

        var (events, stored) = await AskAsync(host);

        AssertComplete(events, stored, Full);
        Assert.Single(Retrying(events));
        var continuation = host.Emulator.Requests.Chats[1].Json.GetProperty("messages");
        var prefill = continuation[continuation.GetArrayLength() - 1];
        Assert.Equal("assistant", prefill.GetProperty("role").GetString());
        Assert.Equal(string.Concat(s_chunks[..atChunk]), prefill.GetProperty("content").GetString());
    }

    [Fact]
    public async Task WhenEveryRetryFailsMidAnswer_ThePartialAnswerIsKeptAsAnError_AndCanBeContinued()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Resilience:MaxRetryAttempts"] = "1" });
        host.Emulator.Scripts.Enqueue(ChatScript.Answer(s_chunks).ResetAfter(3), ChatScript.Answer(s_chunks[3..]).ErrorLineAfter(2), Rest(5));
        var session = await host.CreateSessionAsync();
        var accepted = await host.SendAsync(session, "Tell me a story");
        var events = await host.Events(accepted.EventsUrl).ReadToEndAsync();
        var stored = (await host.GetSessionAsync(session)).GetProperty("messages")[1];

        Assert.Equal("model_error", events[^1].Data.GetProperty("code").GetString());
        Assert.Equal("error", stored.GetProperty("status").GetString());
        Assert.Equal(string.Concat(s_chunks[..5]), stored.GetProperty("content").GetString());

        using var response = await host.Client.PostAsync($"/api/sessions/{session}/messages/{accepted.AssistantMessageId}/continue", null);
        var resumed = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<TestHost.Accepted>(response.Content, JsonSerializerOptions.Web))!;
        var continued = await host.Events(resumed.EventsUrl).ReadToEndAsync();

        Assert.Equal(Full, continued.AnswerText());
        var final = (await host.GetSessionAsync(session)).GetProperty("messages")[1];
        Assert.Equal(Full, final.GetProperty("content").GetString());
        Assert.Equal("complete", final.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnUpstreamThatKeepsFailing_OpensTheCircuit_AndLaterAnswersDoNotCallIt()
    {
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Resilience:MaxRetryAttempts"] = "1",
            ["Resilience:BreakerMinimumThroughput"] = "2",
        });
        host.Emulator.Scripts.Enqueue(ChatScript.Status(500, "boom"), ChatScript.Status(500, "boom"));

        var (first, _) = await AskAsync(host);
        var (second, stored) = await AskAsync(host);

        Assert.Equal("upstream_error", first[^1].Data.GetProperty("code").GetString());
        Assert.Equal("upstream_circuit_open", second[^1].Data.GetProperty("code").GetString());
        Assert.Contains("before trying again", second[^1].Data.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, host.Emulator.Requests.Chats.Count);
        Assert.Equal("upstream_circuit_open", stored.GetProperty("error").GetProperty("code").GetString());
    }
}

public sealed class RecoveryTestsOverOllama() : RecoveryTests(UpstreamWire.Ollama);

public sealed class RecoveryTestsOverOpenAi() : RecoveryTests(UpstreamWire.OpenAi);
