namespace Smail.Sessions;

/// <summary>
/// The whole conversations held in memory: the most recently used ones, up to a number and a size, and every
/// one with changes its file does not have yet (those are never evicted). The size matters more than the
/// number: a burst of new, empty conversations must not push out each other before their first message
/// (each eviction is a file read later), while a few huge ones must not fill the memory. The store changes an
/// entry only under that conversation's lock; this class only keeps the entries and picks what to evict.
/// </summary>
internal sealed class ConversationCache(int capacity, long capacityBytes)
{
    private readonly Dictionary<string, Entry> _entries = [];
    private readonly Lock _lock = new();
    private long _clock;
    private long _bytes;

    private sealed class Entry(Session session, bool dirty)
    {
        public Session Session { get; set; } = session;
        public bool Dirty { get; set; } = dirty;
        public long LastUsed { get; set; }
        public long Bytes { get; set; } = EstimateBytes(session);
    }

    /// <summary>Roughly what a conversation costs in memory: its text as UTF-16 plus a fixed cost per object.</summary>
    public static long EstimateBytes(Session session)
    {
        long bytes = 512;
        foreach (var message in session.Messages)
        {
            bytes += 256 + 2L * (message.Content.Length + (message.Thinking?.Length ?? 0));
        }
        return bytes;
    }

    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public Session? Get(string id)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(id, out var entry))
            {
                return null;
            }
            entry.LastUsed = ++_clock;
            return entry.Session;
        }
    }

    /// <summary>Keeps <paramref name="session"/>; <paramref name="dirty"/> when its file does not have it yet.</summary>
    public void Put(Session session, bool dirty)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(session.Id, out var entry))
            {
                _bytes -= entry.Bytes;
                entry.Session = session;
                entry.Dirty |= dirty;
                entry.Bytes = EstimateBytes(session);
            }
            else
            {
                _entries[session.Id] = entry = new Entry(session, dirty);
            }
            _bytes += entry.Bytes;
            entry.LastUsed = ++_clock;
            while ((_entries.Count > capacity || _bytes > capacityBytes) && EvictLeastRecentlyUsedClean(keep: session.Id))
            {
            }
        }
    }

    /// <summary>The file now holds <paramref name="saved"/>; if nothing changed since, the entry may be evicted again.</summary>
    public void MarkSaved(Session saved)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(saved.Id, out var entry) && ReferenceEquals(entry.Session, saved))
            {
                entry.Dirty = false;
            }
        }
    }

    public void Remove(string id)
    {
        lock (_lock)
        {
            if (_entries.Remove(id, out var entry))
            {
                _bytes -= entry.Bytes;
            }
        }
    }

    /// <summary>Evicts the least recently used entry whose file is up to date, other than <paramref name="keep"/>; false when there is none.</summary>
    private bool EvictLeastRecentlyUsedClean(string keep)
    {
        string? oldest = null;
        var oldestUse = long.MaxValue;
        foreach (var (id, entry) in _entries)
        {
            if (!entry.Dirty && entry.LastUsed < oldestUse && id != keep)
            {
                (oldest, oldestUse) = (id, entry.LastUsed);
            }
        }
        if (oldest is null)
        {
            return false;
        }
        Remove(oldest);
        return true;
    }
}
