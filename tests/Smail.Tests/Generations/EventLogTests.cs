using System.Text;
using Smail.Generations;
using Smail.Json;

namespace Smail.Tests.Generations;

/// <summary>The log hands out its events in blocks, without copying; readers at any point get every event once, in order.</summary>
public sealed class EventLogTests
{
    private static EventLog LogOf(int deltas, bool done)
    {
        var log = new EventLog();
        for (var i = 0; i < deltas; i++)
        {
            log.TryAppend(EventTypes.Delta, new TextEventData($"t{i} \"é\"\n"), SmailJsonContext.Default.TextEventData);
        }
        if (done)
        {
            log.TryAppend(EventTypes.Done, new DoneEventData("stop", new DoneStats(1, deltas, 5, 10, 2.5)), SmailJsonContext.Default.DoneEventData);
        }
        return log;
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(63L)]
    [InlineData(64L)]
    [InlineData(65L)]
    [InlineData(199L)]
    public void ReadingAgainUntilNoneCome_GivesEveryLaterEventOnce_AndEndedOnlyWithTheLast(long afterId)
    {
        var log = LogOf(200, done: true);
        var ids = new List<long>();
        var next = afterId;
        while (true)
        {
            var (events, ended) = log.Read(next);
            foreach (var item in events)
            {
                ids.Add(item.Id);
                next = item.Id;
            }
            if (ended)
            {
                break;
            }
            Assert.True(events.Count > 0, "a log that has not ended gave nothing while events remained");
        }

        Assert.Equal(Enumerable.Range((int)afterId + 1, 201 - (int)afterId).Select(i => (long)i), ids);
    }

    [Fact]
    public void EachFrame_IsAnSseEventWithItsId_AndItsDataIsTheSerializedPayload()
    {
        var log = LogOf(100, done: false);

        var all = log.ReadAll(0).ToList();

        Assert.Equal(100, all.Count);
        var item = all[70];
        Assert.Equal("id: 71\nevent: delta\ndata: {\"text\":\"t70 \\u0022\\u00E9\\u0022\\n\"}\n\n", Encoding.UTF8.GetString(item.Frame));
        Assert.Equal("{\"text\":\"t70 \\u0022\\u00E9\\u0022\\n\"}", Encoding.UTF8.GetString(item.Data));
        Assert.Equal(string.Concat(Enumerable.Range(0, 100).Select(i => $"t{i} \"é\"\n")), log.TextSoFar().Content);
    }

    [Fact]
    public void AfterTheFinalEvent_NothingMoreIsAppended()
    {
        var log = LogOf(3, done: true);

        Assert.False(log.TryAppend(EventTypes.Delta, new TextEventData("late"), SmailJsonContext.Default.TextEventData));
        Assert.Equal(4, log.ReadAll(0).Count());
        Assert.True(log.Ended.IsCompleted);
    }
}
