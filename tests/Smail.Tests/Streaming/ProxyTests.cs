using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>Behind nginx with its default buffering, events still arrive one by one, not in one lump at the end.</summary>
public sealed class ProxyTests : HostedTest
{
    [Fact]
    public async Task BehindNginx_EventsArriveWhileTheAnswerIsStillBeingWritten()
    {
        await using var nginx = await NginxProxy.StartAsync(Host.App.BaseAddress);
        using var viaProxy = new HttpClient { BaseAddress = nginx.Address, Timeout = TimeSpan.FromSeconds(30) };
        var words = Enumerable.Range(0, 8).Select(i => $" part{i}").ToArray();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(250)));
        var session = await Host.CreateSessionAsync();

        var accepted = await Host.SendAsync(session, "Go");
        var events = new List<(ReceivedEvent Event, bool UpstreamStillSending)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var item in new SseClient(viaProxy, accepted.EventsUrl).ReadAsync(ct: timeout.Token))
        {
            var chats = Host.Emulator.Requests.Chats;
            events.Add((item, chats.Count == 0 || !chats[0].Completed));
        }

        var deltas = events.Where(e => e.Event.Type == "delta").ToList();
        Assert.Equal(string.Concat(words), string.Concat(deltas.Select(d => d.Event.Text)));
        Assert.True(deltas.Take(6).All(d => d.UpstreamStillSending), "deltas were held back until the answer ended");
        Assert.Equal("done", events[^1].Event.Type);
    }

    [Fact]
    public async Task BehindNginx_ResumeWithLastEventIdWorks()
    {
        await using var nginx = await NginxProxy.StartAsync(Host.App.BaseAddress);
        using var viaProxy = new HttpClient { BaseAddress = nginx.Address };
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("one ", "two ", "three"));
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");
        var all = await new SseClient(viaProxy, accepted.EventsUrl).ReadToEndAsync();

        var resumed = await new SseClient(viaProxy, accepted.EventsUrl).ReadToEndAsync(lastEventId: 3);

        Assert.Equal(all.Skip(3).Select(e => e.Id), resumed.Select(e => e.Id));
    }
}
