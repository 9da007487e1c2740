using System.Diagnostics;
using System.Text.Json.Serialization.Metadata;

namespace Smail.Generations;

/// <summary>
/// A generation's events in order, each serialized once. A listener is an index into the log, so any number
/// can attach, detach and resume at any time, and appending never waits for one. Events are immutable:
/// readers get them without copying their text.
/// </summary>
internal sealed class EventLog
{
    // Fixed blocks, never copied or regrown: a written slot never changes, so a reader's segment stays valid.
    private const int BlockSize = 64;
    private readonly List<GenerationEvent[]> _blocks = [];
    private int _count;
    private readonly FramePages _pages = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _isFinished;

    /// <summary>
    /// Told of every event once it is in the log, in order, on the appending thread (the runner's): how another
    /// instance hears of the events (<see cref="Redis.GenerationStreams"/>). Set before the first event.
    /// </summary>
    public Action<GenerationEvent>? Appended { get; set; }

    /// <summary>The number of events so far: the next one's id is this plus one.</summary>
    public long Count
    {
        get { lock (_lock) { return _count; } }
    }

    public bool IsFinished
    {
        get { lock (_lock) { return _isFinished; } }
    }

    /// <summary>Completes when the final event (done or error) has been appended.</summary>
    public Task Ended => _ended.Task;

    /// <summary>
    /// Adds the next event, framed once here; a final one (done or error) closes the log. False when it was
    /// already closed.
    /// </summary>
    public bool TryAppend<T>(string type, T payload, JsonTypeInfo<T> info)
    {
        (GenerationEvent, TaskCompletionSource) added;
        lock (_lock)
        {
            if (_isFinished)
            {
                return false;
            }
            var frame = EventFrames.Build(_count + 1, type, payload, info, out var dataStart, out var dataLength);
            added = Store(type, frame, dataStart, dataLength);
        }
        Announce(added);
        return true;
    }

    /// <summary>
    /// Adds event <paramref name="id"/>, already framed elsewhere as JSON (a replica of another instance's
    /// generation). False unless it is the next one: a duplicate is ignored, a gap is for the caller to fill.
    /// </summary>
    public bool TryAppendRaw(long id, string type, ReadOnlySpan<byte> json)
    {
        (GenerationEvent, TaskCompletionSource) added;
        lock (_lock)
        {
            if (_isFinished || id != _count + 1)
            {
                return false;
            }
            var frame = EventFrames.BuildRaw(id, type, json, out var dataStart, out var dataLength);
            added = Store(type, frame, dataStart, dataLength);
        }
        Announce(added);
        return true;
    }

    // Under the lock: the frame goes into the pages and the event into its block; a final one closes the log.
    // Returns the signal of those waiting for this event, swapped for the next one's under the same lock.
    private (GenerationEvent Added, TaskCompletionSource Appended) Store(string type, ReadOnlySpan<byte> frame, int dataStart, int dataLength)
    {
        if (_count % BlockSize == 0)
        {
            _blocks.Add(new GenerationEvent[BlockSize]);
        }
        var (page, start) = _pages.Store(frame);
        var added = new GenerationEvent(_count + 1, type, Stopwatch.GetTimestamp(), page, start, frame.Length, start + dataStart, dataLength);
        _blocks[_count / BlockSize][_count % BlockSize] = added;
        _count++;
        _isFinished = added.IsFinal;
        var appended = _appended;
        _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (added, appended);
    }

    // Outside the lock: whoever mirrors the log hears of the event, and waiting listeners wake.
    private void Announce((GenerationEvent Added, TaskCompletionSource Appended) stored)
    {
        Appended?.Invoke(stored.Added);
        stored.Appended.TrySetResult();
        if (stored.Added.IsFinal)
        {
            _ended.TrySetResult();
        }
    }

    /// <summary>
    /// Closes the log without a final event: the generation goes on elsewhere (handed to another instance), so this
    /// instance's listeners end their streams and reconnect, resuming by event id wherever they land.
    /// </summary>
    public void Abandon()
    {
        TaskCompletionSource appended;
        lock (_lock)
        {
            if (_isFinished)
            {
                return;
            }
            _isFinished = true;
            appended = _appended;
        }
        appended.TrySetResult();
        _ended.TrySetResult();
    }

    /// <summary>
    /// Events after <paramref name="afterId"/> that exist now, without copying: those up to the end of one
    /// block, so read again until none come. <c>Ended</c> is true when no more will follow these.
    /// </summary>
    public (ArraySegment<GenerationEvent> Events, bool Ended) Read(long afterId)
    {
        lock (_lock)
        {
            var start = (int)Math.Clamp(afterId, 0, _count);
            if (start == _count)
            {
                return (ArraySegment<GenerationEvent>.Empty, _isFinished);
            }
            var offset = start % BlockSize;
            var length = Math.Min(BlockSize - offset, _count - start);
            return (new ArraySegment<GenerationEvent>(_blocks[start / BlockSize], offset, length), _isFinished && start + length == _count);
        }
    }

    /// <summary>Every event after <paramref name="afterId"/> that exists now, block by block.</summary>
    public IEnumerable<GenerationEvent> ReadAll(long afterId)
    {
        while (Read(afterId) is { Events.Count: > 0 } read)
        {
            foreach (var item in read.Events)
            {
                yield return item;
            }
            afterId = read.Events[^1].Id;
        }
    }

    /// <summary>
    /// Completes when there is an event after <paramref name="afterId"/> or the log has closed (at once if so
    /// already). No timer and no cancellation registration: a listener waits on this once per event, so it
    /// must be cheap; it arms its keep-alive timer once per quiet interval instead.
    /// </summary>
    public Task WhenAppendedAfter(long afterId)
    {
        lock (_lock)
        {
            return _count > afterId || _isFinished ? Task.CompletedTask : _appended.Task;
        }
    }

    /// <summary>
    /// Waits until there is an event after <paramref name="afterId"/> or the log has closed. Returns false
    /// when <paramref name="timeout"/> passed first (time for a keep-alive, or an empty poll).
    /// </summary>
    public async Task<bool> WaitForEventsAsync(long afterId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await WhenAppendedAfter(afterId).WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// The answer's text as the events tell it so far: a reader's view that never touches the writer's state.
    /// Read back from the frames, since the log keeps no second copy of the text.
    /// </summary>
    public (string Content, string? Thinking, bool HasText) TextSoFar()
    {
        var content = new System.Text.StringBuilder();
        var thinking = new System.Text.StringBuilder();
        foreach (var item in ReadAll(0))
        {
            if (item.Type == EventTypes.Restart)
            {
                content.Clear();
                thinking.Clear();
            }
            else if (item.Type is EventTypes.Delta or EventTypes.Thinking)
            {
                (item.Type == EventTypes.Delta ? content : thinking).Append(EventFrames.ReadText(item));
            }
        }
        return (content.ToString(), thinking.Length == 0 ? null : thinking.ToString(), content.Length > 0 || thinking.Length > 0);
    }
}
