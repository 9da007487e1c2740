namespace Smail.Generations;

/// <summary>
/// One answer being written, owned by the server rather than by any connection. Its events are kept in
/// order with their sequence ids, so any number of listeners can attach, detach and resume at any time
/// and all read the same sequence. Appending never waits for a listener.
/// </summary>
internal sealed class Generation(
    string id, string sessionId, string assistantMessageId, string model, DateTimeOffset startedAt,
    bool replacesAnswer = false, AnswerSeed? continues = null) : IDisposable
{
    private readonly List<GenerationEvent> _events = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = id;
    public string SessionId { get; } = sessionId;
    public string AssistantMessageId { get; } = assistantMessageId;
    public string Model { get; } = model;
    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>A regeneration: the stored answer stays as it was until the new one starts streaming.</summary>
    public bool ReplacesAnswer { get; } = replacesAnswer;

    /// <summary>A continuation: the stored answer it extends. Its events start with that text, so a replay rebuilds it whole.</summary>
    public AnswerSeed? Continues { get; } = continues;
    public bool IsFinished { get; private set; }

    /// <summary>Set when the first token reached listeners, so time to first chunk is measured once.</summary>
    public bool FirstChunkSeen { get; set; }

    /// <summary>Cancelled by <see cref="Stop"/>; the generation passes it to the upstream request.</summary>
    public CancellationToken StopToken => _stop.Token;
    public bool StopRequested => _stop.IsCancellationRequested;

    /// <summary>True when the server, not a person, stopped it: the answer is stored as interrupted.</summary>
    public bool Interrupted { get; private set; }

    /// <summary>Completes when the final event (done or error) has been appended.</summary>
    public Task Ended => _ended.Task;

    public void Stop() => _stop.Cancel();

    /// <summary>Stops it because the server is shutting down.</summary>
    public void Interrupt()
    {
        Interrupted = true;
        _stop.Cancel();
    }

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
            item = new GenerationEvent(_events.Count + 1, type, data, System.Diagnostics.Stopwatch.GetTimestamp());
            _events.Add(item);
            IsFinished = final;
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        appended.TrySetResult();
        if (final)
        {
            _ended.TrySetResult();
        }
        return item;
    }

    /// <summary>The events after <paramref name="afterId"/> that exist now, and whether no more will follow.</summary>
    public (IReadOnlyList<GenerationEvent> Events, bool Ended) Read(long afterId)
    {
        lock (_lock)
        {
            var start = (int)Math.Clamp(afterId, 0, _events.Count);
            return (_events.GetRange(start, _events.Count - start), IsFinished);
        }
    }

    /// <summary>
    /// Waits until there is an event after <paramref name="afterId"/> or the generation has ended.
    /// Returns false when <paramref name="timeout"/> passed first (time for a keep-alive, or an empty poll).
    /// </summary>
    public async Task<bool> WaitForEventsAsync(long afterId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task moreAppended;
        lock (_lock)
        {
            if (_events.Count > afterId || IsFinished)
            {
                return true;
            }
            moreAppended = _appended.Task;
        }
        try
        {
            await moreAppended.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose() => _stop.Dispose();
}

/// <summary>The text an answer already has when it is continued.</summary>
internal sealed record AnswerSeed(string Content, string? Thinking);
