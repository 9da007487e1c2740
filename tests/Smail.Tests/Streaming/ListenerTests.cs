using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>Any number of listeners, attached at any time, read the same sequence.</summary>
public sealed class ListenerTests : HostedTest
{
    private static readonly string[] s_words = [.. Enumerable.Range(0, 80).Select(i => $" w{i}")];

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public async Task ConcurrentListeners_ReceiveIdenticalSequences(int listeners)
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(s_words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");

        var sequences = await Task.WhenAll(Enumerable.Range(0, listeners).Select(_ => Host.Events(accepted.EventsUrl).ReadToEndAsync()));

        var expected = sequences[0].Select(e => (e.Id, e.Type, e.Data.GetRawText())).ToList();
        Assert.All(sequences, s => Assert.Equal(expected, s.Select(e => (e.Id, e.Type, e.Data.GetRawText()))));
        Assert.Equal(string.Concat(s_words), sequences[0].AnswerText());
    }

    [Fact]
    public async Task AListenerAttachedMidway_WithLastEventId0_GetsEverything()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(s_words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");
        var early = Host.Events(accepted.EventsUrl).ReadToEndAsync();
        await (await Host.Emulator.Requests.WaitForChatAsync()).WhenChunksSent(10);

        var late = await Host.Events(accepted.EventsUrl).ReadToEndAsync(lastEventId: 0);

        Assert.Equal((await early).Select(e => e.Id), late.Select(e => e.Id));
        Assert.Equal(string.Concat(s_words), late.AnswerText());
    }
}
