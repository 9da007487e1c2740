using System.Diagnostics;
using Smail.Ollama;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Ollama;

/// <summary>Cancelling must reach Ollama as a closed connection at once, or the GPU keeps generating for nobody.</summary>
public sealed class OllamaClientCancellationTests() : OllamaClientTest
{
    // Generous, so a loaded machine cannot fail it: a cancellation that is not passed on shows as the stall's 30 s.
    private static readonly TimeSpan s_maxDisconnectDelay = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Cancel_MidStream_ClosesTheUpstreamConnectionAtOnce()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer(Enumerable.Repeat(" token", 1000).ToArray())
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        using var cts = new CancellationTokenSource();
        var received = 0;

        var reading = Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Client.StreamChatAsync(new("llama3.2", [new("user", "Hi")]), cts.Token))
            {
                if (++received == 5)
                {
                    await cts.CancelAsync();
                }
            }
        });
        await reading;
        var cancelledAt = Stopwatch.GetTimestamp();

        var disconnectedAt = await Emulator.Requests.Chats[0].WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(Stopwatch.GetElapsedTime(cancelledAt, disconnectedAt) < s_maxDisconnectDelay);
        Assert.False(Emulator.Requests.Chats[0].Completed);
    }

    [Fact]
    public async Task Cancel_WhileWaitingForTheNextLine_InterruptsTheReadAndClosesTheConnectionAtOnce()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("one", " two").StallAfter(1));
        using var cts = new CancellationTokenSource();
        var stream = Client.StreamChatAsync(new("llama3.2", [new("user", "Hi")]), cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await stream.MoveNextAsync());

        var pendingRead = stream.MoveNextAsync().AsTask();
        await Task.Delay(100);
        var cancelledAt = Stopwatch.GetTimestamp();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pendingRead);
        await stream.DisposeAsync();
        var disconnectedAt = await Emulator.Requests.Chats[0].WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(Stopwatch.GetElapsedTime(cancelledAt, disconnectedAt) < s_maxDisconnectDelay,
            $"Ollama saw the disconnect {Stopwatch.GetElapsedTime(cancelledAt, disconnectedAt).TotalMilliseconds:0} ms after cancel.");
    }

    [Fact]
    public async Task Cancel_BeforeTheHeadersArrive_ClosesTheConnectionAtOnce()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("late").WithDelays(TimeSpan.FromSeconds(30), TimeSpan.Zero));
        using var cts = new CancellationTokenSource();

        var reading = Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Client.StreamChatAsync(new("llama3.2", [new("user", "Hi")]), cts.Token))
            {
            }
        });
        await Emulator.Requests.WaitForChatAsync();
        await Task.Delay(50);
        var cancelledAt = Stopwatch.GetTimestamp();
        await cts.CancelAsync();
        await reading;

        var disconnectedAt = await Emulator.Requests.Chats[0].WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(Stopwatch.GetElapsedTime(cancelledAt, disconnectedAt) < s_maxDisconnectDelay);
    }
}
