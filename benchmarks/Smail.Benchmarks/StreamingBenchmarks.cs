using System.Diagnostics;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Benchmarks;

/// <summary>What one more listener costs: delivery latency, memory, and the effect of a reader that never reads.</summary>
internal sealed class StreamingBenchmarks(OllamaEmulator.OllamaEmulator emulator, SmailProcess smail, SmailApi api)
{
    /// <summary>Latency from the emulator flushing a chunk to listener #1 receiving it, with N listeners attached.</summary>
    public async Task<(double P50, double P99, double Max)> DeliveryLatencyAsync(int listeners, int chunks = 1000)
    {
        emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Repeat(" tok", chunks)]).WithDelays(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(5)));
        var requestsBefore = emulator.Requests.Chats.Count;
        var (_, eventsUrl) = await api.StartAnswerAsync();
        var all = await Task.WhenAll(Enumerable.Range(0, listeners).Select(_ => api.ListenAsync(eventsUrl)));
        var sent = emulator.Requests.Chats[requestsBefore].ChunkSentTimestamps;
        var latencies = all[0].Zip(sent, (received, flushed) => Stopwatch.GetElapsedTime(flushed, received).TotalMilliseconds).Order().ToArray();
        return (Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1]);
    }

    /// <summary>Resident memory Smail gains per attached listener, with every listener receiving a slow answer.</summary>
    public async Task<(long BaselineBytes, long PerListenerBytes)> MemoryPerListenerAsync(int listeners)
    {
        emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Repeat(" tok", 6000)]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));
        var (generationId, eventsUrl) = await api.StartAnswerAsync();
        using var attached = new CancellationTokenSource();
        var first = api.ListenAsync(eventsUrl, ct: attached.Token);
        await Task.Delay(2000);
        var before = smail.ResidentBytes();

        var ready = Enumerable.Range(0, listeners).Select(_ => new TaskCompletionSource()).ToArray();
        var reading = ready.Select(r => api.ListenAsync(eventsUrl, r, attached.Token)).ToArray();
        await Task.WhenAll(ready.Select(r => r.Task));
        await Task.Delay(3000);
        var after = smail.ResidentBytes();

        await api.StopAsync(generationId);
        await Task.WhenAll(reading.Append(first).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return (before, (after - before) / listeners);
    }

    /// <summary>Time for a healthy listener to read a fast answer of <paramref name="chunks"/> tokens, with or without a stuck reader.</summary>
    public async Task<TimeSpan> FastAnswerAsync(int chunks, bool withStuckReader)
    {
        emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Repeat("t", chunks)]).WithDelays(TimeSpan.FromMilliseconds(200), TimeSpan.Zero));
        var (_, eventsUrl) = await api.StartAnswerAsync();
        using var stuck = withStuckReader ? await SmailApi.OpenStuckListenerAsync(smail.Address, eventsUrl) : null;
        var started = Stopwatch.GetTimestamp();
        var arrivals = await api.ListenAsync(eventsUrl);
        if (arrivals.Count != chunks)
        {
            throw new InvalidOperationException($"Expected {chunks} deltas, got {arrivals.Count}.");
        }
        return Stopwatch.GetElapsedTime(started);
    }

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
}
