using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Smail.Sessions;

/// <summary>
/// One JSON file per conversation under Storage:Path. At first use every file's summary is read (not its
/// messages); whole conversations are read when opened and kept in a bounded cache. A change is either
/// written through before the call returns (<see cref="UpdateAsync"/>), or staged in memory while the
/// caller's journal makes it durable and written later by the <see cref="ConversationSaver"/>
/// (<see cref="StageAsync"/>, <see cref="SaveLater"/>). A deleted conversation waits in <c>deleted/</c>
/// for the undo window. An unreadable file affects only its own conversation.
/// </summary>
internal sealed partial class JsonFileSessionStore : ISessionStore, IDisposable
{
    private readonly string _folder;
    private readonly string _deletedFolder;
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JsonFileSessionStore> _logger;
    private readonly ConcurrentDictionary<string, StoredSummary> _summaries = new();
    private readonly ConversationCache _cache;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, Session> _deleted = new();
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private readonly List<QuarantinedFile> _quarantined = [];
    private readonly ConversationSaver _saver;
    private volatile bool _loaded;

    public JsonFileSessionStore(IOptions<StorageOptions> options, TimeProvider time, ILogger<JsonFileSessionStore> logger)
    {
        _options = options.Value;
        _folder = Path.GetFullPath(_options.Path);
        _deletedFolder = Path.Combine(_folder, "deleted");
        _time = time;
        _logger = logger;
        _cache = new ConversationCache(_options.CachedConversations, _options.CacheMegabytes * 1024L * 1024L);
        _saver = new ConversationSaver(_folder, SaveNow, logger);
    }

    public async Task<IReadOnlyList<StoredSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return [.. _summaries.Values.OrderByDescending(s => s.UpdatedAt)];
    }

    public async Task<IReadOnlyList<StoredSummary>> SearchAsync(IReadOnlyList<string> words, Func<StoredSummary, bool> among, CancellationToken cancellationToken)
    {
        var found = new List<StoredSummary>();
        foreach (var summary in (await ListAsync(cancellationToken)).Where(among))
        {
            if (words.All(w => summary.Title.Contains(w, StringComparison.OrdinalIgnoreCase))
                || await ContentMatchesAsync(summary.Id, words, cancellationToken))
            {
                found.Add(summary);
            }
        }
        return found;
    }

    public async Task<StoredSummary?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return id is null ? null : _summaries.GetValueOrDefault(id);
    }

    public async Task<StoredSummary?> FindDeletedAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return id is not null && _deleted.TryGetValue(id, out var session) ? StoredSummary.From(session) : null;
    }

    public async Task<Session?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        await EnsureLoadedAsync(cancellationToken);
        return _cache.Get(id) ?? (_summaries.ContainsKey(id) ? await WithLockAsync(id, () => LoadAsync(id, cancellationToken), cancellationToken) : null);
    }

    public async Task CreateAsync(Session session, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(session.Id))
        {
            throw new ArgumentException($"'{session.Id}' is not a valid conversation id.", nameof(session));
        }
        await EnsureLoadedAsync(cancellationToken);
        await WithLockAsync(session.Id, async () =>
        {
            await WriteAsync(session);
            Keep(session, dirty: false);
            return true;
        }, cancellationToken);
    }

    public async Task<Session?> UpdateAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken) =>
        await ChangeAsync(id, change, writeThrough: true, cancellationToken);

    public async Task<Session?> StageAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken) =>
        await ChangeAsync(id, change, writeThrough: false, cancellationToken);

    public void SaveLater(string id, Action saved) => _saver.SaveLater(id, saved);

    public Task FlushAsync() => _saver.FlushAsync();

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return false;
        }
        await EnsureLoadedAsync(cancellationToken);
        var deleted = await WithLockAsync(id, async () =>
        {
            if (!_summaries.ContainsKey(id) || await LoadAsync(id, cancellationToken) is not { } session)
            {
                return false;
            }
            Move(PathFor(id), DeletedPathFor(id));
            // Kept whole, staged changes included, so Undo restores exactly what was there.
            _deleted[id] = session;
            _summaries.TryRemove(id, out _);
            _cache.Remove(id);
            return true;
        }, cancellationToken);
        if (deleted)
        {
            _ = PurgeAfterUndoWindowAsync(id);
        }
        return deleted;
    }

    public async Task<Session?> RestoreAsync(string id, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        await EnsureLoadedAsync(cancellationToken);
        return await WithLockAsync(id, () =>
        {
            if (!_deleted.TryGetValue(id, out var session))
            {
                return Task.FromResult<Session?>(null);
            }
            Move(DeletedPathFor(id), PathFor(id));
            _deleted.TryRemove(id, out _);
            Keep(session, dirty: true);
            SaveLater(id, () => { });
            return Task.FromResult<Session?>(session);
        }, cancellationToken);
    }

    public async Task<StoreHealth> CheckAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        bool writable;
        try
        {
            await AtomicFile.WriteAsync(Path.Combine(_folder, ".write-check"), "ok"u8.ToArray(), cancellationToken);
            File.Delete(Path.Combine(_folder, ".write-check"));
            writable = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            writable = false;
        }
        lock (_quarantined)
        {
            return new StoreHealth(_folder, writable, [.. _quarantined]);
        }
    }

    public void Dispose()
    {
        _saver.Dispose();
        _loadLock.Dispose();
        foreach (var gate in _locks.Values)
        {
            gate.Dispose();
        }
    }

    private async Task<Session?> ChangeAsync(string id, Func<Session, Session> change, bool writeThrough, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        await EnsureLoadedAsync(cancellationToken);
        return await WithLockAsync(id, async () =>
        {
            if (!_summaries.ContainsKey(id) || await LoadAsync(id, cancellationToken) is not { } current)
            {
                return null;
            }
            var updated = change(current);
            if (writeThrough)
            {
                // Memory changes only after the file did, so a failed write changes nothing.
                await WriteAsync(updated);
            }
            Keep(updated, dirty: !writeThrough);
            return updated;
        }, cancellationToken);
    }

    private void Keep(Session session, bool dirty)
    {
        _cache.Put(session, dirty);
        _summaries[session.Id] = StoredSummary.From(session);
    }

    // Under the conversation's lock: from the cache, or from its file.
    private async Task<Session?> LoadAsync(string id, CancellationToken cancellationToken)
    {
        if (_cache.Get(id) is { } cached)
        {
            return cached;
        }
        var session = await TryReadAsync(PathFor(id), cancellationToken);
        if (session is null)
        {
            _summaries.TryRemove(id, out _);
            return null;
        }
        _cache.Put(session, dirty: false);
        return session;
    }

    // On the saver's thread: a conversation's writes never interleave, and a deleted one is not brought back.
    private ConversationSaver.Outcome SaveNow(string id)
    {
        var gate = _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0))
        {
            return ConversationSaver.Outcome.Busy;
        }
        try
        {
            // Not in the cache: it was evicted, which only happens once its file had everything.
            if (!_summaries.ContainsKey(id) || _cache.Get(id) is not { } session)
            {
                return ConversationSaver.Outcome.Gone;
            }
            AtomicFile.WriteWithoutFolderFlush(PathFor(id), JsonSerializer.SerializeToUtf8Bytes(session, SessionJsonContext.Default.Session));
            _cache.MarkSaved(session);
            return ConversationSaver.Outcome.Saved;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task PurgeAfterUndoWindowAsync(string id)
    {
        await Task.Delay(_options.UndoWindow, _time);
        await WithLockAsync(id, () =>
        {
            if (_deleted.TryRemove(id, out _))
            {
                TryDelete(DeletedPathFor(id));
            }
            return Task.FromResult(true);
        }, CancellationToken.None);
    }

    // Writes to one conversation never interleave; different conversations write in parallel.
    private async Task<T> WithLockAsync<T>(string id, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await action();
        }
        finally
        {
            gate.Release();
        }
    }

    private string PathFor(string id) => Path.Combine(_folder, id + ".json");

    private string DeletedPathFor(string id) => Path.Combine(_deletedFolder, id + ".json");

    private async Task WriteAsync(Session session)
    {
        try
        {
            // On the saver's thread, so the fsyncs of a burst of new conversations never block the thread pool.
            // Not cancelled midway: memory follows the file, so the two never disagree.
            await _saver.WriteAsync(PathFor(session.Id), JsonSerializer.SerializeToUtf8Bytes(session, SessionJsonContext.Default.Session));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(_folder, ex);
        }
    }

    private void Move(string from, string to)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Move(from, to, overwrite: true);
            AtomicFile.FlushDirectory(Path.GetDirectoryName(to)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(_folder, ex);
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogPurgeFailed(ex, path);
        }
    }
}
