using Smail.Sessions;

namespace Smail.Changes;

/// <summary>
/// The session store, telling the change feed about every change it makes: one place, so no route can
/// change a conversation without open pages hearing of it.
/// </summary>
internal sealed class NotifyingSessionStore(ISessionStore inner, ChangeFeed feed) : ISessionStore
{
    public Task<IReadOnlyList<StoredSummary>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public Task<IReadOnlyList<StoredSummary>> SearchAsync(IReadOnlyList<string> words, Func<StoredSummary, bool> among, CancellationToken cancellationToken) =>
        inner.SearchAsync(words, among, cancellationToken);

    public Task<StoredSummary?> FindAsync(string id, CancellationToken cancellationToken) => inner.FindAsync(id, cancellationToken);

    public Task<StoredSummary?> FindDeletedAsync(string id, CancellationToken cancellationToken) => inner.FindDeletedAsync(id, cancellationToken);

    public Task<Session?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public async Task CreateAsync(Session session, CancellationToken cancellationToken)
    {
        await inner.CreateAsync(session, cancellationToken);
        feed.SessionChanged(session.Id, session.OwnerId, SessionChanges.Created);
    }

    public async Task<Session?> UpdateAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken) =>
        Told(await inner.UpdateAsync(id, change, cancellationToken), SessionChanges.Updated);

    public async Task<Session?> StageAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken) =>
        Told(await inner.StageAsync(id, change, cancellationToken), SessionChanges.Updated);

    public void SaveLater(string id, Action saved) => inner.SaveLater(id, saved);

    public Task FlushAsync() => inner.FlushAsync();

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var owner = (await inner.FindAsync(id, cancellationToken))?.OwnerId;
        var deleted = await inner.DeleteAsync(id, cancellationToken);
        if (deleted)
        {
            feed.SessionChanged(id, owner, SessionChanges.Deleted);
        }
        return deleted;
    }

    public async Task<Session?> RestoreAsync(string id, CancellationToken cancellationToken) =>
        Told(await inner.RestoreAsync(id, cancellationToken), SessionChanges.Restored);

    public Task<StoreHealth> CheckAsync(CancellationToken cancellationToken) => inner.CheckAsync(cancellationToken);

    private Session? Told(Session? session, string change)
    {
        if (session is not null)
        {
            feed.SessionChanged(session.Id, session.OwnerId, change);
        }
        return session;
    }
}
