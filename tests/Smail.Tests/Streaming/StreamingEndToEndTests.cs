using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>A message in, an answer streamed out over a real socket, read incrementally by a real SSE parser.</summary>
public abstract class StreamingEndToEndTests(UpstreamWire wire) : HostedTest(wire)
{
    /// <summary>Ollama says whether a model is in memory, so a cold one is announced as loading; the OpenAI API cannot tell.</summary>
    private string[] Loading => Wire == UpstreamWire.Ollama ? ["loading_model"] : [];

    private const string TrickyAnswer = "Grüße, 世界! 👩🏽‍💻 emoji; \"quotes\" and 'single'\nline two\r\nline three\\ <b>&amp;</b>\ttab";
    [Fact]
    public async Task Send_StreamsDeltasWhoseConcatenationIsExactlyTheUpstreamAnswer()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(TrickyAnswer, elementsPerChunk: 3));
        var session = await Host.CreateSessionAsync();

        var accepted = await Host.SendAsync(session, "Say something tricky");
        var events = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal(TrickyAnswer, events.AnswerText());
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        Assert.Equal("done", events[^1].Type);
        Assert.Equal(["queued", "connecting", .. Loading, "generating"], events.States());
    }

    [Fact]
    public async Task Done_CarriesTheAnswersStats()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("a", "b", "c", "d").WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)) with { PromptEvalCount = 17 });
        var session = await Host.CreateSessionAsync();

        var accepted = await Host.SendAsync(session, "Count");
        var done = (await Host.Events(accepted.EventsUrl).ReadToEndAsync())[^1];

        Assert.Equal("stop", done.Data.GetProperty("reason").GetString());
        var stats = done.Data.GetProperty("stats");
        Assert.Equal(17, stats.GetProperty("promptTokens").GetInt32());
        Assert.Equal(4, stats.GetProperty("outputTokens").GetInt32());
        Assert.True(stats.GetProperty("ttftMs").GetInt64() >= 0);
        Assert.True(stats.GetProperty("durationMs").GetInt64() >= stats.GetProperty("ttftMs").GetInt64());
        Assert.True(stats.GetProperty("tokensPerSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task AnUpstreamWithoutTheShowRoute_StillChats()
    {
        Host.Emulator.Catalog.ShowRouteMissing = true;
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Still ", "here."));
        var session = await Host.CreateSessionAsync();

        var events = await Host.Events((await Host.SendAsync(session, "Hi")).EventsUrl).ReadToEndAsync();

        Assert.Equal("Still here.", events.AnswerText());
        Assert.Equal("done", events[^1].Type);
    }

    [Fact]
    public async Task TheStatsInDone_AreTheStatsStored()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("a", "b", "c").WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(30)));
        var session = await Host.CreateSessionAsync();

        var done = (await Host.Events((await Host.SendAsync(session, "Go")).EventsUrl).ReadToEndAsync())[^1];
        var stored = (await Host.GetSessionAsync(session)).GetProperty("messages")[1].GetProperty("stats");

        Assert.Equal(stored.GetRawText(), done.Data.GetProperty("stats").GetRawText());
    }

    [Fact]
    public async Task AfterDone_TheSessionFileHoldsBothMessagesWithTheAnswerAndItsStats()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(TrickyAnswer, elementsPerChunk: 5));
        var session = await Host.CreateSessionAsync();

        var accepted = await Host.SendAsync(session, "Hello 👋");
        await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        using var file = JsonDocument.Parse(await StoredFile.WaitUntilAsync(
            Path.Combine(Host.App.StorePath, session + ".json"), text => text.Contains("\"complete\"", StringComparison.Ordinal)));
        var messages = file.RootElement.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        Assert.Equal("Hello 👋", messages[0].GetProperty("content").GetString());
        Assert.Equal(accepted.AssistantMessageId, messages[1].GetProperty("id").GetString());
        Assert.Equal(TrickyAnswer, messages[1].GetProperty("content").GetString());
        Assert.Equal("complete", messages[1].GetProperty("status").GetString());
        Assert.Equal(ChatScript.Answer(TrickyAnswer, elementsPerChunk: 5).Chunks.Count,
            messages[1].GetProperty("stats").GetProperty("outputTokens").GetInt32());
        Assert.Equal(2, file.RootElement.GetProperty("schemaVersion").GetInt32());
    }

    [Fact]
    public async Task ThinkingModels_StreamReasoningAsThinkingEvents_ThenTheAnswer()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("The answer", " is 42.").WithThinking("Hmm,", " let me think."));
        var session = await Host.CreateSessionAsync("qwen3:8b");

        var accepted = await Host.SendAsync(session, "Why?");
        var events = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal("Hmm, let me think.", events.ThinkingText());
        Assert.Equal("The answer is 42.", events.AnswerText());
        Assert.Equal(["queued", "connecting", .. Loading, "thinking", "generating"], events.States());
        var stored = (await Host.GetSessionAsync(session)).GetProperty("messages")[1];
        Assert.Equal("Hmm, let me think.", stored.GetProperty("thinking").GetString());
    }

    [Theory]
    [InlineData("length")]
    [InlineData("content_filter")]
    [InlineData("tool_calls")]
    [InlineData("something_new")]
    public async Task TheUpstreamsFinishReason_IsTheDoneReason_AndAnEarlyEndIsStoredWithTheAnswer(string finish)
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Cut ", "short") with { DoneReason = finish });
        var session = await Host.CreateSessionAsync();

        var events = await Host.Events((await Host.SendAsync(session, "Go on")).EventsUrl).ReadToEndAsync();

        // A reason the contract does not know is a plain stop, never passed on unchecked.
        var expected = finish == "something_new" ? "stop" : finish;
        Assert.Equal(expected, events[^1].Data.GetProperty("reason").GetString());
        var stored = (await Host.GetSessionAsync(session)).GetProperty("messages")[1];
        Assert.Equal("complete", stored.GetProperty("status").GetString());
        var kept = stored.TryGetProperty("doneReason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null;
        Assert.Equal(finish == "something_new" ? null : finish, kept);
    }

    [Fact]
    public async Task AWarmModel_IsNotAnnouncedAsLoading()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("one"), ChatScript.Answer("two"));
        var session = await Host.CreateSessionAsync();
        await Host.Events((await Host.SendAsync(session, "first")).EventsUrl).ReadToEndAsync();

        var events = await Host.Events((await Host.SendAsync(session, "second")).EventsUrl).ReadToEndAsync();

        Assert.DoesNotContain("loading_model", events.States());
    }

    [Fact]
    public async Task TheModelReceivesTheSystemPromptAndTheWholeConversation()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Hi there"), ChatScript.Answer("Fine"));
        var session = await Host.CreateSessionAsync(systemPrompt: "Be terse.");
        await Host.Events((await Host.SendAsync(session, "Hello")).EventsUrl).ReadToEndAsync();

        await Host.Events((await Host.SendAsync(session, "How are you?")).EventsUrl).ReadToEndAsync();

        var messages = Host.Emulator.Requests.Chats[1].Json.GetProperty("messages").EnumerateArray()
            .Select(m => $"{m.GetProperty("role").GetString()}: {m.GetProperty("content").GetString()}");
        Assert.Equal(["system: Be terse.", "user: Hello", "assistant: Hi there", "user: How are you?"], messages);
    }

    [Fact]
    public async Task Resume_WithLastEventId_ReplaysExactlyTheEventsAfterIt()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(TrickyAnswer, elementsPerChunk: 2));
        var session = await Host.CreateSessionAsync();
        var accepted = await Host.SendAsync(session, "Go");
        var all = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        var resumed = await Host.Events(accepted.EventsUrl).ReadToEndAsync(lastEventId: 7);

        Assert.Equal(all.Skip(7).Select(e => (e.Id, e.Type, e.Data.GetRawText())), resumed.Select(e => (e.Id, e.Type, e.Data.GetRawText())));
    }

    [Fact]
    public async Task TheEventStream_IsNeverCachedOrBufferedByProxies()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("ok"));
        var session = await Host.CreateSessionAsync();
        var accepted = await Host.SendAsync(session, "Go");

        using var response = await Host.Client.GetAsync(accepted.EventsUrl, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.DoesNotContain(response.Content.Headers.ContentEncoding, e => e is "gzip" or "br" or "deflate");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("retry: ", body, StringComparison.Ordinal);
    }
}

public sealed class StreamingEndToEndTestsOverOllama() : StreamingEndToEndTests(UpstreamWire.Ollama);

public sealed class StreamingEndToEndTestsOverOpenAi() : StreamingEndToEndTests(UpstreamWire.OpenAi);
