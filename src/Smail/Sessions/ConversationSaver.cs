using System.Collections.Concurrent;

namespace Smail.Sessions;

/// <summary>
/// Writes conversation files on a dedicated thread, a batch at a time: each file flushed, then the folder
/// once for the batch. No request or thread-pool thread waits on the disk. Two kinds of work:
/// writes a caller awaits (<see cref="WriteAsync"/>: create, rename, …), and catch-up saves of changes only
/// the journal holds yet (<see cref="SaveLater"/>), after which the journal may forget them. A catch-up save
/// that fails is logged and tried again every second.
/// </summary>
internal sealed partial class ConversationSaver : IDisposable
{
    /// <summary>What a catch-up save did: wrote the file, found the conversation gone, or found it busy (try again soon).</summary>
    public enum Outcome { Saved, Gone, Busy }

    private readonly ConcurrentQueue<(string Path, byte[] Content, TaskCompletionSource Done)> _writes = new();
    private readonly ConcurrentQueue<(string? Id, Action Saved)> _saves = new();
    private readonly SemaphoreSlim _queued = new(0);
    private readonly Func<string, Outcome> _save;
    private readonly string _folder;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly List<(string? Id, Action Saved)> _again = [];
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_busyDelay = TimeSpan.FromMilliseconds(5);
    private volatile bool _stopping;
    private volatile bool _stopped;
    private bool _anyFailed;

    /// <param name="save">Writes one conversation's current state unless its lock is held (synchronously).</param>
    public ConversationSaver(string folder, Func<string, Outcome> save, ILogger logger)
    {
        _folder = folder;
        _save = save;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "Smail conversation saver" };
        _thread.Start();
    }

    /// <summary>Replaces a file atomically and durably; completes when it is on the disk, or fails with the IO error.</summary>
    public Task WriteAsync(string path, byte[] content)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writes.Enqueue((path, content, done));
        Wake();
        return done.Task;
    }

    /// <summary>Saves the conversation soon; <paramref name="saved"/> runs once its file holds everything up to now.</summary>
    public void SaveLater(string id, Action saved)
    {
        _saves.Enqueue((id, saved));
        Wake();
    }

    /// <summary>Completes once every catch-up save queued before it is done (or has failed and been logged).</summary>
    public Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _saves.Enqueue((null, () => flushed.TrySetResult()));
        Wake();
        return flushed.Task;
    }

    private void Wake()
    {
        if (_stopped)
        {
            // The thread is gone (a host stopped twice): answer now rather than never.
            AnswerAfterStop();
            return;
        }
        _queued.Release();
    }

    /// <summary>
    /// After the thread has ended: a flush has nothing left to wait for, a write is refused, and a catch-up save
    /// is left to the journal, whose replay at the next start puts it in the file.
    /// </summary>
    private void AnswerAfterStop()
    {
        while (_writes.TryDequeue(out var write))
        {
            write.Done.TrySetException(new ObjectDisposedException(nameof(ConversationSaver)));
        }
        while (_saves.TryDequeue(out var save))
        {
            if (save.Id is null)
            {
                save.Saved();
            }
        }
    }

    private void Run()
    {
        var writes = new List<(string Path, byte[] Content, TaskCompletionSource Done)>();
        var saves = new List<(string? Id, Action Saved)>();
        while (true)
        {
            var wait = _again.Count == 0 ? Timeout.InfiniteTimeSpan : _anyFailed ? s_retryDelay : s_busyDelay;
            var woken = _queued.Wait(wait);
            if (!woken || _stopping)
            {
                saves.AddRange(_again);
                _again.Clear();
                _anyFailed = false;
            }
            while (_writes.TryDequeue(out var write))
            {
                writes.Add(write);
            }
            while (_saves.TryDequeue(out var save))
            {
                saves.Add(save);
            }
            if (writes.Count > 0 || saves.Count > 0)
            {
                RunBatch(writes, saves);
                writes.Clear();
                saves.Clear();
            }
            if (_stopping && _writes.IsEmpty && _saves.IsEmpty && (_again.Count == 0 || !woken))
            {
                _stopped = true;
                Interlocked.MemoryBarrier(); // the flag is visible before the queues are read again
                // Anything queued between the check above and the flag.
                AnswerAfterStop();
                return;
            }
        }
    }

    private void RunBatch(List<(string Path, byte[] Content, TaskCompletionSource Done)> writes, List<(string? Id, Action Saved)> saves)
    {
        var failures = new Dictionary<TaskCompletionSource, Exception>();
        // Awaited writes first: their callers may hold a conversation's lock that a catch-up save needs.
        foreach (var (path, content, done) in writes)
        {
            try
            {
                AtomicFile.WriteWithoutFolderFlush(path, content);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures[done] = ex;
            }
        }
        var written = new List<Action>();
        foreach (var group in saves.Where(item => item.Id is not null).GroupBy(item => item.Id!))
        {
            try
            {
                switch (_save(group.Key))
                {
                    case Outcome.Busy:
                        _again.AddRange(group);
                        break;
                    default:
                        written.AddRange(group.Select(item => item.Saved));
                        break;
                }
            }
            catch (Exception ex)
            {
                LogSaveFailed(ex, group.Key);
                _anyFailed = true;
                _again.AddRange(group);
            }
        }
        try
        {
            AtomicFile.FlushDirectory(_folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(ex, _folder);
        }
        foreach (var (_, _, done) in writes)
        {
            _ = failures.TryGetValue(done, out var failure) ? done.TrySetException(failure) : done.TrySetResult();
        }
        foreach (var saved in written.Concat(saves.Where(item => item.Id is null).Select(item => item.Saved)))
        {
            saved();
        }
    }

    /// <summary>Saves what is queued, then stops.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        _queued.Release();
        _thread.Join();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save conversation {SessionId}; the journal keeps its changes and the save is tried again")]
    private partial void LogSaveFailed(Exception ex, string sessionId);
}
