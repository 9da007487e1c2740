using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Smail.Sessions;

namespace Smail.Journal;

/// <summary>
/// Appends journal lines on two dedicated threads, so no request or thread-pool thread ever waits on the
/// disk. The writer hands each batch to the operating system the moment it is queued (a killed process
/// loses nothing the OS has); the syncer flushes to the disk once per commit interval for everything
/// written meanwhile (group commit) and then completes the waiters of those lines.
/// </summary>
internal sealed partial class JournalWriter : IJournalWriter, IDisposable
{
    private readonly ConcurrentQueue<(JournalEntry Entry, TaskCompletionSource? Committed)> _queue = new();
    // Kernel events, not SemaphoreSlim: SemaphoreSlim spins before it blocks, and with a wake-up per streamed
    // token that spinning was a quarter of Smail's CPU in a profile (docs/benchmarks.md).
    private readonly AutoResetEvent _queued = new(false);
    private readonly AutoResetEvent _written = new(false);
    private readonly Lock _syncLock = new();
    private readonly List<TaskCompletionSource> _awaitingSync = [];
    private readonly HashSet<JournalSegment> _unflushed = [];
    private readonly List<JournalSegment> _retired = [];
    private readonly List<JournalSegment> _segments = [];
    private readonly string _folder;
    private readonly JournalOptions _options;
    private readonly ILogger<JournalWriter> _logger;
    private readonly Thread _writer;
    private readonly Thread _syncer;
    private volatile bool _stopping;
    private volatile bool _writerDone;
    private int _wakeRequested;
    private JournalSegment? _current;
    private long _nextNumber = 1;

    public JournalWriter(IOptions<StorageOptions> storage, IOptions<JournalOptions> options, ILogger<JournalWriter> logger)
    {
        _folder = JournalFolder(storage.Value);
        _options = options.Value;
        _logger = logger;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "Smail journal writer" };
        _syncer = new Thread(SyncLoop) { IsBackground = true, Name = "Smail journal syncer" };
        _writer.Start();
        _syncer.Start();
    }

    public static string JournalFolder(StorageOptions storage) => Path.Combine(Path.GetFullPath(storage.Path), "journal");

    /// <summary>Queues a line; never blocks.</summary>
    public void Append(JournalEntry entry) => Enqueue(entry, null);

    /// <summary>Queues a line; the task completes once it is on the disk, or fails with a <see cref="StorageException"/>.</summary>
    public Task AppendAndCommitAsync(JournalEntry entry)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(entry, committed);
        return committed.Task;
    }

    private void Enqueue(JournalEntry entry, TaskCompletionSource? committed)
    {
        if (_stopping)
        {
            // Only at the very end of shutdown, after every generation was given time to end.
            committed?.TrySetException(new ObjectDisposedException(nameof(JournalWriter)));
            return;
        }
        _queue.Enqueue((entry, committed));
        // One wake-up per batch, not one per line: the writer clears the flag before it drains.
        if (Interlocked.Exchange(ref _wakeRequested, 1) == 0)
        {
            _queued.Set();
        }
    }

    private void WriteLoop()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using var json = new Utf8JsonWriter(buffer);
        var waiters = new List<TaskCompletionSource>();
        var saved = new List<string>();
        while (true)
        {
            _queued.WaitOne();
            Volatile.Write(ref _wakeRequested, 0);
            while (_queue.TryDequeue(out var item))
            {
                JsonSerializer.Serialize(json, item.Entry, JournalJsonContext.Default.JournalEntry);
                json.Flush();
                json.Reset();
                buffer.Write("\n"u8);
                if (item.Committed is not null)
                {
                    waiters.Add(item.Committed);
                }
                if (item.Entry.Type == JournalEntry.Saved)
                {
                    saved.Add(item.Entry.Id);
                }
                else
                {
                    (_current ??= OpenNextSegment()).UnsavedIds.Add(item.Entry.Id);
                }
            }
            if (buffer.WrittenCount > 0 || waiters.Count > 0)
            {
                WriteBatch(buffer.WrittenMemory, waiters);
                buffer.ResetWrittenCount();
                waiters.Clear();
            }
            ForgetSaved(saved);
            saved.Clear();
            if (_stopping && _queue.IsEmpty)
            {
                _writerDone = true;
                _written.Set();
                return;
            }
        }
    }

    private void WriteBatch(ReadOnlyMemory<byte> lines, List<TaskCompletionSource> waiters)
    {
        try
        {
            var segment = _current ??= OpenNextSegment();
            RandomAccess.Write(segment.Handle, lines.Span, segment.Length);
            segment.Length += lines.Length;
            lock (_syncLock)
            {
                _awaitingSync.AddRange(waiters);
                _unflushed.Add(segment);
                if (segment.Length >= _options.SegmentBytes)
                {
                    // The syncer flushes and closes it; new lines go to a fresh file.
                    _retired.Add(segment);
                    _current = null;
                }
            }
            _written.Set();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(ex, _folder);
            var failure = new StorageException(_folder, ex);
            foreach (var waiter in waiters)
            {
                waiter.TrySetException(failure);
            }
        }
    }

    private void SyncLoop()
    {
        var waiters = new List<TaskCompletionSource>();
        var unflushed = new List<JournalSegment>();
        var retired = new List<JournalSegment>();
        while (true)
        {
            _written.WaitOne();
            var finalRound = _writerDone;
            var started = Stopwatch.GetTimestamp();
            lock (_syncLock)
            {
                waiters.AddRange(_awaitingSync);
                _awaitingSync.Clear();
                unflushed.AddRange(_unflushed);
                _unflushed.Clear();
                retired.AddRange(_retired);
                _retired.Clear();
            }
            Exception? failure = null;
            try
            {
                // Only this thread closes files, and only retired ones, which the writer no longer touches.
                foreach (var segment in unflushed)
                {
                    RandomAccess.FlushToDisk(segment.Handle);
                }
                foreach (var segment in retired)
                {
                    segment.Handle.Dispose();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                LogWriteFailed(ex, _folder);
                failure = new StorageException(_folder, ex);
            }
            foreach (var waiter in waiters)
            {
                _ = failure is null ? waiter.TrySetResult() : waiter.TrySetException(failure);
            }
            waiters.Clear();
            unflushed.Clear();
            retired.Clear();
            if (finalRound)
            {
                return;
            }
            // One flush per interval, however many answers wrote meanwhile.
            var rest = _options.CommitInterval - Stopwatch.GetElapsedTime(started);
            if (rest > TimeSpan.Zero)
            {
                Thread.Sleep(rest);
            }
        }
    }

    // A file can go once every id with lines in it has been saved to its conversation file.
    private void ForgetSaved(List<string> saved)
    {
        if (saved.Count == 0)
        {
            return;
        }
        foreach (var segment in _segments)
        {
            segment.UnsavedIds.ExceptWith(saved);
        }
        foreach (var segment in _segments.Where(s => s != _current && s.UnsavedIds.Count == 0).ToList())
        {
            try
            {
                File.Delete(segment.Path);
                _segments.Remove(segment);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(ex, segment.Path);
            }
        }
    }

    private JournalSegment OpenNextSegment()
    {
        Directory.CreateDirectory(_folder);
        var onDisk = JournalSegment.List(_folder);
        _nextNumber = Math.Max(_nextNumber, onDisk.Count == 0 ? 1 : onDisk[^1].Number + 1);
        var segment = JournalSegment.Open(_folder, _nextNumber++);
        _segments.Add(segment);
        return segment;
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        _queued.Set();
        _writer.Join();
        _syncer.Join();
        _current?.Handle.Dispose();
        _queued.Dispose();
        _written.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The answer journal in {Folder} could not be written")]
    private partial void LogWriteFailed(Exception ex, string folder);
}
