using System.Diagnostics;
using System.Text.Json;

namespace Smail.OllamaEmulator.Scripting;

/// <summary>
/// A request the emulator received, and whether and when the client went away before the answer ended:
/// the proof that a stop in Smail reached the upstream.
/// </summary>
public sealed class RecordedRequest(string path, string body)
{
    private readonly TaskCompletionSource<long> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<long> _chunksSent = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _chunkWaiters = [];

    public string Path { get; } = path;
    public string Body { get; } = body;
    public long ReceivedTimestamp { get; } = Stopwatch.GetTimestamp();

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp at which the client disconnected.</summary>
    public Task<long> WhenDisconnected => _disconnected.Task;
    public bool Disconnected => _disconnected.Task.IsCompleted;
    public bool Completed { get; private set; }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>When each scripted chunk was flushed to the client (<see cref="Stopwatch"/> timestamps), for latency benchmarks.</summary>
    public IReadOnlyList<long> ChunkSentTimestamps
    {
        get { lock (_chunksSent) { return [.. _chunksSent]; } }
    }

    /// <summary>Completes once <paramref name="count"/> chunks have been flushed: tests wait for this, not for a time.</summary>
    public Task WhenChunksSent(int count)
    {
        lock (_chunksSent)
        {
            if (_chunksSent.Count >= count)
            {
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _chunkWaiters.Add((count, waiter));
            return waiter.Task;
        }
    }

    internal void MarkChunkSent()
    {
        lock (_chunksSent)
        {
            _chunksSent.Add(Stopwatch.GetTimestamp());
            foreach (var waiter in _chunkWaiters.Where(w => w.Count <= _chunksSent.Count).ToList())
            {
                waiter.Done.TrySetResult();
                _chunkWaiters.Remove(waiter);
            }
        }
    }

    internal void MarkDisconnected() => _disconnected.TrySetResult(Stopwatch.GetTimestamp());

    internal void MarkCompleted() => Completed = true;
}
