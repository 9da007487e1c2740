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

    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Where the store is, whether it can write now, and which unreadable files it set aside.</summary>
    Task<StoreHealth> CheckAsync(CancellationToken cancellationToken);
}
