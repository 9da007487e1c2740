using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Smail.Sessions;

/// <summary>
/// One JSON file per conversation under Storage:Path. All conversations are read once at first use and
/// kept in memory. A change is either written through atomically before the call returns
/// (<see cref="UpdateAsync"/>), or staged in memory while the caller's journal makes it durable, and
/// written later by the <see cref="ConversationSaver"/> (<see cref="StageAsync"/>, <see cref="SaveLater"/>).
/// </summary>
internal sealed partial class JsonFileSessionStore : ISessionStore, IDisposable
{
    private readonly string _folder;
    private readonly ILogger<JsonFileSessionStore> _logger;
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private readonly List<QuarantinedFile> _quarantined = [];
    private readonly ConversationSaver _saver;
    private volatile bool _loaded;

    public JsonFileSessionStore(IOptions<StorageOptions> options, ILogger<JsonFileSessionStore> logger)
    {
        _folder = Path.GetFullPath(options.Value.Path);
        _logger = logger;
        _saver = new ConversationSaver(_folder, SaveNow, logger);
    }

    public async Task<IReadOnlyList<Session>> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return [.. _sessions.Values.OrderByDescending(s => s.UpdatedAt)];
    }

    public async Task<Session?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        await EnsureLoadedAsync(cancellationToken);
        return _sessions.GetValueOrDefault(id);
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
            await WriteAsync(session, cancellationToken);
            _sessions[session.Id] = session;
            return true;
        }, cancellationToken);
    }

    public async Task<Session?> UpdateAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        await EnsureLoadedAsync(cancellationToken);
        return await WithLockAsync(id, async () =>
        {
            if (!_sessions.TryGetValue(id, out var current))
            {
                return null;
            }
            var updated = change(current);
            // Memory changes only after the file did, so a failed write changes nothing.
            await WriteAsync(updated, cancellationToken);
            _sessions[id] = updated;
            return updated;
        }, cancellationToken);
    }

    public async Task<Session?> StageAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        await EnsureLoadedAsync(cancellationToken);
        return await WithLockAsync(id, () =>
        {
            if (!_sessions.TryGetValue(id, out var current))
            {
                return Task.FromResult<Session?>(null);
            }
            var updated = change(current);
            _sessions[id] = updated;
            return Task.FromResult<Session?>(updated);
        }, cancellationToken);
    }

    public void SaveLater(string id, Action saved) => _saver.SaveLater(id, saved);

    public Task FlushAsync() => _saver.FlushAsync();

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
            if (!_sessions.TryGetValue(id, out var session))
            {
                return ConversationSaver.Outcome.Gone;
            }
            AtomicFile.WriteWithoutFolderFlush(PathFor(id), JsonSerializer.SerializeToUtf8Bytes(session, SessionJsonContext.Default.Session));
            return ConversationSaver.Outcome.Saved;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return false;
        }
        await EnsureLoadedAsync(cancellationToken);
        return await WithLockAsync(id, () =>
        {
            if (!_sessions.ContainsKey(id))
            {
                return Task.FromResult(false);
            }
            try
            {
                File.Delete(PathFor(id));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StorageException(_folder, ex);
            }
            _sessions.TryRemove(id, out _);
            return Task.FromResult(true);
        }, cancellationToken);
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

    private async Task WriteAsync(Session session, CancellationToken cancellationToken)
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

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }
        await _loadLock.WaitAsync(cancellationToken);
        try
        {
            if (_loaded)
            {
                return;
            }
            Directory.CreateDirectory(_folder);
            foreach (var file in Directory.EnumerateFiles(_folder, "*.json"))
            {
                var session = await TryReadAsync(file, cancellationToken);
                if (session is not null)
                {
                    _sessions[session.Id] = session;
                }
            }
            _loaded = true;
            _logger.LogInformation("Session store at {Folder} holds {Count} conversations", _folder, _sessions.Count);
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private async Task<Session?> TryReadAsync(string file, CancellationToken cancellationToken)
    {
        var id = Path.GetFileNameWithoutExtension(file);
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        string? problem;
        try
        {
            await using var stream = File.OpenRead(file);
            var session = await JsonSerializer.DeserializeAsync(stream, SessionJsonContext.Default.Session, cancellationToken);
            if (session is not null && session.Id == id)
            {
                return session;
            }
            problem = "the file does not hold the conversation its name says";
        }
        catch (JsonException ex)
        {
            problem = ex.Message;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable where it is (permissions, a bad sector): leave it in place, say so, serve the rest.
            Unreadable(file, null, ex.Message);
            return null;
        }
        Quarantine(file, problem);
        return null;
    }

    // A damaged file must not take the store down: move it aside, say so, and carry on with the rest.
    private void Quarantine(string file, string reason)
    {
        var movedTo = Path.Combine(_folder, "corrupt", $"{Path.GetFileName(file)}.{DateTime.UtcNow:yyyyMMddHHmmss}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(movedTo)!);
            File.Move(file, movedTo, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Unreadable(file, null, $"{reason}; it could not be moved aside either: {ex.Message}");
            return;
        }
        Unreadable(file, movedTo, reason);
    }

    private void Unreadable(string file, string? movedTo, string reason)
    {
        lock (_quarantined)
        {
            _quarantined.Add(new QuarantinedFile(Path.GetFileName(file), movedTo, reason));
        }
        LogUnreadable(file, reason, movedTo ?? "nowhere");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation file {File} could not be read ({Reason}); moved it to {MovedTo}. The other conversations are served as usual")]
    private partial void LogUnreadable(string file, string reason, string movedTo);
}
