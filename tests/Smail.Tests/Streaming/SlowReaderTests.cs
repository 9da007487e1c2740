using System.Net.Sockets;
using System.Text;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>A listener that stops reading costs the others nothing and holds no more than its socket's buffers.</summary>
[Collection(MeasuresProcessMemory.Name)]
public sealed class SlowReaderTests : HostedTest
{
    private const int Chunks = 50_000;

    [Fact]
    public async Task AReaderThatNeverReads_DoesNotHoldBackTheUpstreamOrAnotherListener_AndMemoryStaysBounded()
    {
        var chunks = Enumerable.Range(0, Chunks).Select(i => $"t{i % 10}").ToArray();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(chunks));
        var accepted = await Host.SendAsync(await Host.CreateSessionAsync(), "Go");
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        using var stuck = await OpenWithoutReadingAsync(accepted.EventsUrl);
        var events = await Host.Events(accepted.EventsUrl).ReadToEndAsync(timeout: TimeSpan.FromSeconds(120));

        Assert.Equal(string.Concat(chunks), events.AnswerText());
        Assert.Equal("done", events[^1].Type);
        Assert.True(Host.Emulator.Requests.Chats[0].Completed, "the upstream answer should have been read to its end");
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        Assert.True(heapGrowth < 64 * 1024 * 1024, $"managed heap grew by {heapGrowth / 1024 / 1024} MB");
        Assert.True(stuck.Connected);
    }

    /// <summary>Sends the request on a raw socket with a small receive buffer and never reads a byte.</summary>
    private async Task<TcpClient> OpenWithoutReadingAsync(string eventsUrl)
    {
        var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(Host.App.BaseAddress.Host, Host.App.BaseAddress.Port);
        var request = $"GET {eventsUrl} HTTP/1.1\r\nHost: {Host.App.BaseAddress.Authority}\r\nAccept: text/event-stream\r\n\r\n";
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));
        return client;
    }
}
