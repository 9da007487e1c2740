using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Resilience;

/// <summary>
/// An OpenAI-compatible server that cannot continue a broken-off answer (<c>Continuation: restart</c>, as OpenAI's
/// own API): a failure mid-answer writes the answer again from its beginning, and says so with a <c>restart</c>
/// event and the stored <c>restartedAfter</c>, instead of pretending the new text continues the old.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private const string Full = "Once upon a time, 🐉 a dragon \"guarded\" the\nhill.";
    private static readonly string[] s_chunks = [.. ChatScript.Answer(Full, elementsPerChunk: 4).Chunks.Select(c => c.Content)];
    private static readonly Dictionary<string, string?> s_restarting = new()
    {
        [$"Upstreams:{SmailApplication.OpenAiUpstream}:Continuation"] = "restart",
    };
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(s_restarting, wire: UpstreamWire.OpenAi);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Plays <paramref name="scripts"/> for one question; the events of its answer, read to the end.</summary>
    private async Task<(string Session, TestHost.Accepted Accepted, List<ReceivedEvent> Events)> AskAsync(params ChatScript[] scripts)
    {
        _host.Emulator.Scripts.Enqueue(scripts);
        var session = await _host.CreateSessionAsync();
        var accepted = await _host.SendAsync(session, "Tell me a story");
        return (session, accepted, await _host.Events(accepted.EventsUrl).ReadToEndAsync());
    }

    private static ChatScript[] BrokenOffThenFailing => [ChatScript.Answer(s_chunks).ResetAfter(3), ChatScript.Status(500, "boom"),
        ChatScript.Status(500, "boom"), ChatScript.Status(500, "boom")];

    [Fact]
    public async Task AFailureMidAnswer_RestartsIt_AndListenersAreToldBeforeTheNewText()
    {
        var (session, _, events) = await AskAsync(ChatScript.Answer(s_chunks).ResetAfter(3), ChatScript.Answer(s_chunks));

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        var restart = events.FindIndex(e => e.Type == "restart");
        Assert.True(restart > 0, "a restart event");
        Assert.Equal("upstream_connection_lost", events[restart].Data.GetProperty("reason").GetString());
        // Before it: the broken-off text and the retry; after it: the whole answer, once.
        Assert.Equal(string.Concat(s_chunks[..3]), string.Concat(events[..restart].Where(e => e.Type == "delta").Select(e => e.Text)));
        Assert.Contains(events[..restart], e => e.Type == "status" && e.Data.GetProperty("state").GetString() == "retrying");
        Assert.Equal(Full, string.Concat(events[restart..].Where(e => e.Type == "delta").Select(e => e.Text)));
        Assert.Equal("done", events[^1].Type);

        var stored = (await _host.GetSessionAsync(session)).GetProperty("messages")[1];
        Assert.Equal(Full, stored.GetProperty("content").GetString());
        Assert.Equal("complete", stored.GetProperty("status").GetString());
        Assert.Equal("upstream_connection_lost", stored.GetProperty("restartedAfter").GetString());
        // The server was asked for the whole answer again, not to continue a message it would answer instead.
        var again = _host.Emulator.Requests.Chats[1].Json.GetProperty("messages");
        Assert.Equal("user", again[again.GetArrayLength() - 1].GetProperty("role").GetString());
        Assert.False(_host.Emulator.Requests.Chats[1].Json.TryGetProperty("continue_final_message", out _));
    }

    [Fact]
    public async Task AListenerThatResumesAfterTheRestart_GetsExactlyTheRestartedAnswer()
    {
        var (_, accepted, all) = await AskAsync(ChatScript.Answer(s_chunks).ResetAfter(4), ChatScript.Answer(s_chunks));
        var restartId = all.Single(e => e.Type == "restart").Id;

        // Resumed at every point around the restart, the text rebuilt from what was seen before plus what came after is exact.
        foreach (var lastSeen in new[] { 1L, restartId - 1, restartId, restartId + 1 })
        {
            var rest = await _host.Events(accepted.EventsUrl).ReadToEndAsync(lastEventId: lastSeen);
            Assert.Equal(Full, all.Where(e => e.Id <= lastSeen).Concat(rest).AnswerText());
            Assert.Equal(all.Where(e => e.Id > lastSeen).Select(e => e.Id), rest.Select(e => e.Id));
        }
    }

    [Fact]
    public async Task WhenEveryRetryFails_TheBrokenOffTextIsKept_AndNothingClaimsARestart()
    {
        var (session, _, events) = await AskAsync(BrokenOffThenFailing);

        Assert.DoesNotContain(events, e => e.Type == "restart");
        Assert.Equal("error", events[^1].Type);
        var stored = (await _host.GetSessionAsync(session)).GetProperty("messages")[1];
        Assert.Equal(string.Concat(s_chunks[..3]), stored.GetProperty("content").GetString());
        Assert.True(!stored.TryGetProperty("restartedAfter", out var restarted) || restarted.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Continue_IsRefusedWithAReason_AndChangesNothing()
    {
        var (session, accepted, _) = await AskAsync(BrokenOffThenFailing);
        var before = (await _host.GetSessionAsync(session)).ToString();
        var calls = _host.Emulator.Requests.Chats.Count;

        using var response = await _host.Client.PostAsync($"/api/sessions/{session}/messages/{accepted.AssistantMessageId}/continue", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cannot_continue", problem.GetProperty("code").GetString());
        Assert.Contains("Upstreams:emulator:Continuation", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await _host.GetSessionAsync(session)).ToString());
        Assert.Equal(calls, _host.Emulator.Requests.Chats.Count);
        var upstreams = (await _host.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("upstreams");
        Assert.False(upstreams[0].GetProperty("continues").GetBoolean());
    }

    [Fact]
    public async Task AfterKill9RightAfterARestart_TheStoredAnswerIsOnlyTheRestartedText()
    {
        var words = Enumerable.Range(0, 400).Select(i => $" w{i}").ToArray();
        _host.Emulator.Scripts.Enqueue(ChatScript.Answer(words).ResetAfter(30),
            ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        var store = Directory.CreateTempSubdirectory("smail-restart-").FullName;
        string session;
        string answered;
        var upstream = $"--Upstreams:emulator:";
        string[] settings = [upstream + "Type", "openai", upstream + "BaseUrl", new Uri(_host.Emulator.BaseAddress, "v1").ToString(),
            upstream + "Continuation", "restart", "--Resilience:RetryDelay", "00:00:00.010"];
        await using (var smail = await SmailProcess.StartAsync(_host.Emulator.BaseAddress, store, settings))
        {
            using var http = new HttpClient { BaseAddress = smail.Address };
            // Ollama:BaseUrl is set too (the emulator also speaks Ollama's API), so ids name their upstream.
            using var created = await http.PostAsJsonAsync("/api/sessions", new { model = "emulator/llama3.2" });
            session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            using var sent = await http.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Count slowly" });
            var accepted = await sent.Content.ReadFromJsonAsync<JsonElement>();
            var seen = new List<ReceivedEvent>();
            await foreach (var e in new SseClient(http, accepted.GetProperty("eventsUrl").GetString()!).ReadAsync())
            {
                seen.Add(e);
                if (seen.SkipWhile(s => s.Type != "restart").Count(s => s.Type == "delta") == 50)
                {
                    break;
                }
            }
            answered = seen.AnswerText();
            await smail.KillAsync();
        }

        await using var restarted = await SmailProcess.StartAsync(_host.Emulator.BaseAddress, store, settings);
        using var client = new HttpClient { BaseAddress = restarted.Address };
        var answer = (await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages")[1];

        Assert.Equal("interrupted", answer.GetProperty("status").GetString());
        Assert.Equal("upstream_connection_lost", answer.GetProperty("restartedAfter").GetString());
        var kept = answer.GetProperty("content").GetString()!;
        // Only the restarted answer's words, from its beginning: never the broken-off text before them. The last
        // word or two a listener saw may not have reached the journal before the kill (CrashTests bounds that).
        Assert.StartsWith(kept, string.Concat(words), StringComparison.Ordinal);
        Assert.True(kept.Length >= string.Concat(words.Take(40)).Length, $"kept {kept.Length} characters of the restarted answer");
        Assert.True(answered.StartsWith(kept, StringComparison.Ordinal) || kept.StartsWith(answered, StringComparison.Ordinal));
    }
}
