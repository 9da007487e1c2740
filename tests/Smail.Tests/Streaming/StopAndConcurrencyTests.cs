using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

public abstract class StopAndConcurrencyTests(UpstreamWire wire) : HostedTest(wire)
{
    private static ChatScript SlowAnswer() =>
        ChatScript.Answer(Enumerable.Range(0, 500).Select(i => $" w{i}").ToArray()).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Stop_AbortsTheUpstreamRequest_EndsWithDoneStopped_AndStoresThePartialAnswer()
    {
        Host.Emulator.Scripts.Enqueue(SlowAnswer());
        var session = await Host.CreateSessionAsync();
        var accepted = await Host.SendAsync(session, "Talk a lot");
        var events = new List<ReceivedEvent>();

        await foreach (var item in Host.Events(accepted.EventsUrl).ReadAsync())
        {
            events.Add(item);
            if (events.Count(e => e.Type == "delta") == 10)
            {
                using var stop = await Host.Client.PostAsync($"/api/generations/{accepted.GenerationId}/stop", null);
                Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
            }
        }
        var stoppedAt = Stopwatch.GetTimestamp();

        var upstream = Host.Emulator.Requests.Chats[0];
        await upstream.WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.False(upstream.Completed);
        Assert.Equal("done", events[^1].Type);
        Assert.Equal("stopped", events[^1].Data.GetProperty("reason").GetString());
        var stored = (await Host.GetSessionAsync(session)).GetProperty("messages")[1];
        Assert.Equal("stopped", stored.GetProperty("status").GetString());
        Assert.Equal(events.AnswerText(), stored.GetProperty("content").GetString());
        Assert.True(Stopwatch.GetElapsedTime(stoppedAt) < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ASecondMessage_WhileAnAnswerIsBeingWritten_IsAConflict()
    {
        Host.Emulator.Scripts.Enqueue(SlowAnswer());
        var session = await Host.CreateSessionAsync();
        var first = await Host.SendAsync(session, "First");

        using var second = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Second" });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("generation_in_progress", problem.GetProperty("code").GetString());
        Assert.Equal(2, (await Host.GetSessionAsync(session)).GetProperty("messages").GetArrayLength());
        await Host.Client.PostAsync($"/api/generations/{first.GenerationId}/stop", null);
    }

    [Fact]
    public async Task WhileAnswering_TheSessionNamesItsActiveGeneration_AndTheAnswerIsStreaming()
    {
        Host.Emulator.Scripts.Enqueue(SlowAnswer());
        var session = await Host.CreateSessionAsync();
        var accepted = await Host.SendAsync(session, "Go");

        var during = await Host.GetSessionAsync(session);
        await Host.Client.PostAsync($"/api/generations/{accepted.GenerationId}/stop", null);
        await Host.Events(accepted.EventsUrl).ReadToEndAsync();
        var after = await Host.GetSessionAsync(session);

        Assert.Equal(accepted.GenerationId, during.GetProperty("activeGenerationId").GetString());
        Assert.Equal("streaming", during.GetProperty("messages")[1].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("activeGenerationId").ValueKind);
    }

    [Fact]
    public async Task ClosingTheEventStream_DoesNotStopTheGeneration()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("a", "b", "c", "d", "e", "f").WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(50)));
        var session = await Host.CreateSessionAsync();
        var accepted = await Host.SendAsync(session, "Go");
        await foreach (var item in Host.Events(accepted.EventsUrl).ReadAsync())
        {
            if (item.Type == "delta")
            {
                break;
            }
        }

        var rest = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal("abcdef", rest.AnswerText());
        Assert.True(Host.Emulator.Requests.Chats[0].Completed);
    }

    [Fact]
    public async Task TwoListeners_ReceiveTheSameSequence()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Tea", " or", " coffee", "?").WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(30)));
        var session = await Host.CreateSessionAsync();
        var accepted = await Host.SendAsync(session, "Go");

        var both = await Task.WhenAll(Host.Events(accepted.EventsUrl).ReadToEndAsync(), Host.Events(accepted.EventsUrl).ReadToEndAsync());

        Assert.Equal(both[0].Select(e => e.Data.GetRawText()), both[1].Select(e => e.Data.GetRawText()));
        Assert.Equal("Tea or coffee?", both[0].AnswerText());
    }
}

public sealed class StopAndConcurrencyTestsOverOllama() : StopAndConcurrencyTests(UpstreamWire.Ollama);

public sealed class StopAndConcurrencyTestsOverOpenAi() : StopAndConcurrencyTests(UpstreamWire.OpenAi);
