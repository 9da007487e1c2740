namespace Smail.Sessions;

/// <summary>
/// Where conversations live. Every write is durable when the returned task completes; a write the disk
/// refuses throws <see cref="StorageException"/> and leaves what was stored before as it was.
/// </summary>
internal interface ISessionStore
{
    Task<IReadOnlyList<Session>> ListAsync(CancellationToken cancellationToken);

    Task<Session?> GetAsync(string id, CancellationToken cancellationToken);

    Task CreateAsync(Session session, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the current value under that conversation's lock and stores the
    /// result; writes to one conversation never interleave. Returns null when there is no such conversation.
    /// </summary>
    Task<Session?> UpdateAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> in memory only, under the conversation's lock: the caller has made the
    /// change durable in its journal and calls <see cref="SaveLater"/> when the file should catch up.
    /// </summary>
    Task<Session?> StageAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken);

    /// <summary>Writes the conversation's file soon, off the request path; <paramref name="saved"/> runs when it is on the disk.</summary>
    void SaveLater(string id, Action saved);

    /// <summary>Completes once every save asked for so far is on the disk (used at shutdown).</summary>
    Task FlushAsync();

    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Where the store is, whether it can write now, and which unreadable files it set aside.</summary>
    Task<StoreHealth> CheckAsync(CancellationToken cancellationToken);
}
