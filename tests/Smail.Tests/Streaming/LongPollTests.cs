using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>The fallback for clients that cannot hold an SSE stream: same events, same ids, same guarantees.</summary>
public abstract class LongPollTests(UpstreamWire wire) : HostedTest(wire)
{
    public override Task InitializeAsync() => InitializeAsync(new Dictionary<string, string?> { ["Generations:PollWait"] = "00:00:01" });

    private async Task<List<JsonElement>> PollToEndAsync(string generationId)
    {
        var events = new List<JsonElement>();
        long after = 0;
        while (events.Count == 0 || events[^1].GetProperty("event").GetString() is not ("done" or "error"))
        {
            var batch = await Host.Client.GetFromJsonAsync<JsonElement[]>($"/api/generations/{generationId}/poll?after={after}");
            events.AddRange(batch!);
            after = events.Count == 0 ? 0 : events[^1].GetProperty("id").GetInt64();
        }
        return events;
    }

    [Fact]
    public async Task PollingToTheEnd_ReturnsTheSameEventsAsTheStream()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Poll", "ing ", "wörks ", "🎯").WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(40)));
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");

        var polled = await PollToEndAsync(accepted.GenerationId);
        var streamed = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal(streamed.Select(e => (e.Id, e.Type, e.Data.GetRawText())),
            polled.Select(e => (e.GetProperty("id").GetInt64(), e.GetProperty("event").GetString()!, e.GetProperty("data").GetRawText())));
        Assert.Equal("Polling wörks 🎯", string.Concat(polled.Where(e => e.GetProperty("event").GetString() == "delta")
            .Select(e => e.GetProperty("data").GetProperty("text").GetString())));
    }

    [Fact]
    public async Task APollWithNothingNew_WaitsForTheFirstEvent_ThenAnswersAtOnce()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("late").WithDelays(TimeSpan.FromMilliseconds(500), TimeSpan.Zero));
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");
        var before = await Host.Client.GetFromJsonAsync<JsonElement[]>($"/api/generations/{accepted.GenerationId}/poll?after=0");
        var last = before![^1].GetProperty("id").GetInt64();

        var started = Stopwatch.GetTimestamp();
        var next = await Host.Client.GetFromJsonAsync<JsonElement[]>($"/api/generations/{accepted.GenerationId}/poll?after={last}");

        Assert.NotEmpty(next!);
        Assert.Equal(last + 1, next![0].GetProperty("id").GetInt64());
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task APollAfterTheLastEventOfAFinishedGeneration_IsEmptyAtOnce()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("x"));
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");
        var all = await PollToEndAsync(accepted.GenerationId);

        var started = Stopwatch.GetTimestamp();
        var none = await Host.Client.GetFromJsonAsync<JsonElement[]>($"/api/generations/{accepted.GenerationId}/poll?after={all.Count}");

        Assert.Empty(none!);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(500));
    }
}

public sealed class LongPollTestsOverOllama() : LongPollTests(UpstreamWire.Ollama);

public sealed class LongPollTestsOverOpenAi() : LongPollTests(UpstreamWire.OpenAi);
