namespace Smail.Sessions;

/// <summary>
/// The whole conversations held in memory: the most recently used ones, up to a capacity, and every one with
/// changes its file does not have yet (those are never evicted). The store changes an entry only under that
/// conversation's lock; this class only keeps the entries and picks what to evict.
/// </summary>
internal sealed class ConversationCache(int capacity)
{
    private readonly Dictionary<string, Entry> _entries = [];
    private readonly Lock _lock = new();
    private long _clock;

    private sealed class Entry(Session session, bool dirty)
    {
        public Session Session { get; set; } = session;
        public bool Dirty { get; set; } = dirty;
        public long LastUsed { get; set; }
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
                entry.Session = session;
                entry.Dirty |= dirty;
            }
            else
            {
                _entries[session.Id] = entry = new Entry(session, dirty);
            }
            entry.LastUsed = ++_clock;
            if (_entries.Count > capacity)
            {
                EvictLeastRecentlyUsedClean();
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
            _entries.Remove(id);
        }
    }

    private void EvictLeastRecentlyUsedClean()
    {
        string? oldest = null;
        var oldestUse = long.MaxValue;
        foreach (var (id, entry) in _entries)
        {
            if (!entry.Dirty && entry.LastUsed < oldestUse)
            {
                (oldest, oldestUse) = (id, entry.LastUsed);
            }
        }
        if (oldest is not null)
        {
            _entries.Remove(oldest);
        }
    }
}
