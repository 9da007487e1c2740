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

    internal void MarkChunkSent()
    {
        lock (_chunksSent)
        {
            _chunksSent.Add(Stopwatch.GetTimestamp());
        }
    }

    internal void MarkDisconnected() => _disconnected.TrySetResult(Stopwatch.GetTimestamp());

    internal void MarkCompleted() => Completed = true;
}
