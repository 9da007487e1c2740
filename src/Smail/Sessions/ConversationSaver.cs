using System.Collections.Concurrent;

namespace Smail.Sessions;

/// <summary>
/// Writes conversation files whose changes only the journal holds, on a dedicated thread, a batch at a
/// time: each file flushed, then the folder once for the batch. After that the journal may forget them.
/// A save that fails is logged and tried again every second; until then the journal holds the change.
/// </summary>
internal sealed partial class ConversationSaver : IDisposable
{
    private readonly ConcurrentQueue<(string? Id, Action Saved)> _queue = new();
    private readonly SemaphoreSlim _queued = new(0);
    private readonly Func<string, bool> _save;
    private readonly string _folder;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly List<(string? Id, Action Saved)> _failed = [];
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromSeconds(1);
    private volatile bool _stopping;

    /// <param name="save">Writes one conversation's current state (synchronously); false when it no longer exists.</param>
    public ConversationSaver(string folder, Func<string, bool> save, ILogger logger)
    {
        _folder = folder;
        _save = save;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "Smail conversation saver" };
        _thread.Start();
    }

    /// <summary>Saves the conversation soon; <paramref name="saved"/> runs once its file holds everything up to now.</summary>
    public void SaveLater(string id, Action saved)
    {
        _queue.Enqueue((id, saved));
        _queued.Release();
    }

    /// <summary>Completes once everything queued before it is saved (or has failed and been logged).</summary>
    public Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue((null, () => flushed.TrySetResult()));
        _queued.Release();
        return flushed.Task;
    }

    private void Run()
    {
        var batch = new List<(string? Id, Action Saved)>();
        while (true)
        {
            var woken = _queued.Wait(_failed.Count > 0 ? s_retryDelay : Timeout.InfiniteTimeSpan);
            if (!woken || _stopping)
            {
                batch.AddRange(_failed);
                _failed.Clear();
            }
            while (_queue.TryDequeue(out var item))
            {
                batch.Add(item);
            }
            if (batch.Count > 0)
            {
                SaveBatch(batch);
                batch.Clear();
            }
            if (_stopping && _queue.IsEmpty)
            {
                return;
            }
        }
    }

    private void SaveBatch(List<(string? Id, Action Saved)> batch)
    {
        var written = new List<Action>();
        var flushes = batch.Where(item => item.Id is null).Select(item => item.Saved).ToList();
        foreach (var group in batch.Where(item => item.Id is not null).GroupBy(item => item.Id!))
        {
            try
            {
                _save(group.Key);
                written.AddRange(group.Select(item => item.Saved));
            }
            catch (Exception ex)
            {
                LogSaveFailed(ex, group.Key);
                if (!_stopping)
                {
                    _failed.AddRange(group);
                }
            }
        }
        try
        {
            AtomicFile.FlushDirectory(_folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(ex, _folder);
            written.Clear();
        }
        foreach (var saved in written.Concat(flushes))
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save conversation {SessionId}; the journal keeps its changes until the next start")]
    private partial void LogSaveFailed(Exception ex, string sessionId);
}
