using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>A dropped connection resumed with Last-Event-ID gets exactly what it missed: no gap, no duplicate.</summary>
public abstract class ResumeTests(UpstreamWire wire) : HostedTest(wire)
{
    private const string Answer = "Zürich → 東京: 🚄💨 \"fast\"\r\nline\nend.";

    private static ChatScript PacedAnswer() =>
        ChatScript.Answer(Answer, elementsPerChunk: 2).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(15));

    /// <summary>Reads <paramref name="count"/> events, then drops the connection, like a Wi-Fi blip.</summary>
    private async Task<List<ReceivedEvent>> ReadThenDropAsync(string eventsUrl, long after, int count)
    {
        var events = new List<ReceivedEvent>();
        if (count == 0)
        {
            return events;
        }
        await foreach (var item in Host.Events(eventsUrl).ReadAsync(after))
        {
            events.Add(item);
            if (events.Count == count)
            {
                break;
            }
        }
        return events;
    }

    [Theory]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 2, 3 })]
    [InlineData(new[] { 4, 1, 1, 5 })]
    [InlineData(new[] { 7, 7, 7 })]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    public async Task DropAndResume_AtManyPoints_ReassemblesTheExactAnswer(int[] eventsPerConnection)
    {
        Host.Emulator.Scripts.Enqueue(PacedAnswer());
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");
        var received = new List<ReceivedEvent>();

        foreach (var count in eventsPerConnection)
        {
            received.AddRange(await ReadThenDropAsync(accepted.EventsUrl, received.Count == 0 ? 0 : received[^1].Id, count));
        }
        received.AddRange(await Host.Events(accepted.EventsUrl).ReadToEndAsync(received[^1].Id));

        Assert.Equal(Answer, received.AnswerText());
        Assert.Equal(Enumerable.Range(1, received.Count).Select(i => (long)i), received.Select(e => e.Id));
        Assert.Equal("done", received[^1].Type);
    }

    [Fact]
    public async Task ResumingRightAfterDone_GetsNothingMore_AndTheStreamEnds()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("short"));
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");
        var all = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        var after = await Host.Events(accepted.EventsUrl).ReadToEndAsync(all[^1].Id);

        Assert.Empty(after);
    }

    [Fact]
    public async Task ResumingByQueryString_WorksLikeTheHeader()
    {
        Host.Emulator.Scripts.Enqueue(PacedAnswer());
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");
        var all = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        var resumed = await Host.Events(accepted.EventsUrl + "?lastEventId=5").ReadToEndAsync();

        Assert.Equal(all.Skip(5).Select(e => e.Id), resumed.Select(e => e.Id));
    }

    [Fact]
    public async Task ADroppedStreamMidAnswer_ResumesWhileTheGenerationIsStillRunning()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 60).Select(i => $"{i},")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");

        var first = await ReadThenDropAsync(accepted.EventsUrl, 0, 10);
        var stillRunning = !Host.Emulator.Requests.Chats[0].Completed;
        var rest = await Host.Events(accepted.EventsUrl).ReadToEndAsync(first[^1].Id);

        Assert.True(stillRunning);
        Assert.Equal(string.Concat(Enumerable.Range(0, 60).Select(i => $"{i},")), first.Concat(rest).AnswerText());
    }
}

public sealed class ResumeTestsOverOllama() : ResumeTests(UpstreamWire.Ollama);

public sealed class ResumeTestsOverOpenAi() : ResumeTests(UpstreamWire.OpenAi);
