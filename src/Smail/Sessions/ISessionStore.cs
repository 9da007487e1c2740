namespace Smail.Sessions;

/// <summary>Where conversations live. Every write is durable when the returned task completes.</summary>
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
}
