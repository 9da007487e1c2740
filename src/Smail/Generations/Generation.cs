using System.Runtime.CompilerServices;

namespace Smail.Generations;

/// <summary>
/// One answer being written, owned by the server rather than by any connection. Its events are kept in
/// order with their sequence ids, so any number of listeners can attach, detach and resume at any time
/// and all read the same sequence. Appending never waits for a listener.
/// </summary>
internal sealed class Generation(string id, string sessionId, string assistantMessageId, string model, DateTimeOffset startedAt) : IDisposable
{
    private readonly List<GenerationEvent> _events = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = id;
    public string SessionId { get; } = sessionId;
    public string AssistantMessageId { get; } = assistantMessageId;
    public string Model { get; } = model;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public bool IsFinished { get; private set; }

    /// <summary>Cancelled by <see cref="Stop"/>; the generation passes it to the upstream request.</summary>
    public CancellationToken StopToken => _stop.Token;
    public bool StopRequested => _stop.IsCancellationRequested;

    public void Stop() => _stop.Cancel();

    public long LastEventId
    {
        get { lock (_lock) { return _events.Count; } }
    }

    /// <summary>Adds the next event; <paramref name="final"/> marks the end of the sequence (done or error).</summary>
    public GenerationEvent Append(string type, string data, bool final = false)
    {
        TaskCompletionSource appended;
        GenerationEvent item;
        lock (_lock)
        {
            if (IsFinished)
            {
                throw new InvalidOperationException($"Generation {Id} has already ended.");
            }
            item = new GenerationEvent(_events.Count + 1, type, data);
            _events.Add(item);
            IsFinished = final;
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        appended.TrySetResult();
        return item;
    }

    /// <summary>The events after <paramref name="afterId"/> that exist now, and whether no more will follow.</summary>
    public (IReadOnlyList<GenerationEvent> Events, bool Ended, Task MoreAppended) Read(long afterId)
    {
        lock (_lock)
        {
            var start = (int)Math.Clamp(afterId, 0, _events.Count);
            return (_events.GetRange(start, _events.Count - start), IsFinished, _appended.Task);
        }
    }

    /// <summary>Every event after <paramref name="afterId"/>, waiting for new ones until the generation ends.</summary>
    public async IAsyncEnumerable<GenerationEvent> ReadAllAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = afterId;
        while (true)
        {
            var (events, ended, moreAppended) = Read(next);
            foreach (var item in events)
            {
                yield return item;
                next = item.Id;
            }
            if (ended)
            {
                yield break;
            }
            await moreAppended.WaitAsync(cancellationToken);
        }
    }

    public void Dispose() => _stop.Dispose();
}
