using Smail.Sessions;

namespace Smail.Accounts;

/// <summary>
/// The conversations of the user making the request, and only theirs: what every route that reads or
/// changes a conversation goes through. Another user's conversation is simply not here, so its id answers
/// exactly like an id that does not exist (Open WebUI CVE-2026-45349). Route handlers take it as a
/// parameter; the unfiltered <see cref="ISessionStore"/> is for the server's own work.
/// </summary>
internal sealed class OwnedSessions(ISessionStore store, Ownership ownership, SmailUser user)
{
    public SmailUser User => user;

    /// <summary>Minimal API binding: the handler's <c>OwnedSessions sessions</c> parameter.</summary>
    public static ValueTask<OwnedSessions?> BindAsync(HttpContext context) => ValueTask.FromResult(
        SmailUser.Of(context) is { } user
            ? new OwnedSessions(context.RequestServices.GetRequiredService<ISessionStore>(), context.RequestServices.GetRequiredService<Ownership>(), user)
            : null);

    public async Task<IReadOnlyList<StoredSummary>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await store.ListAsync(cancellationToken)).Where(Mine)];

    public Task<IReadOnlyList<StoredSummary>> SearchAsync(IReadOnlyList<string> words, CancellationToken cancellationToken) =>
        store.SearchAsync(words, Mine, cancellationToken);

    public async Task<Session?> GetAsync(string id, CancellationToken cancellationToken) =>
        await IsMineAsync(id, cancellationToken) ? await store.GetAsync(id, cancellationToken) : null;

    /// <summary>Stores a new conversation as the user's.</summary>
    public async Task<Session> CreateAsync(Session session, CancellationToken cancellationToken)
    {
        var owned = session with { OwnerId = Ownership.StoredOwnerFor(user) };
        await store.CreateAsync(owned, cancellationToken);
        return owned;
    }

    public async Task<Session?> UpdateAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken) =>
        await IsMineAsync(id, cancellationToken) ? await store.UpdateAsync(id, change, cancellationToken) : null;

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        await IsMineAsync(id, cancellationToken) && await store.DeleteAsync(id, cancellationToken);

    public async Task<Session?> RestoreAsync(string id, CancellationToken cancellationToken) =>
        await store.FindDeletedAsync(id, cancellationToken) is { } deleted && Mine(deleted)
            ? await store.RestoreAsync(id, cancellationToken)
            : null;

    /// <summary>Completes once every save asked for so far is on the disk.</summary>
    public Task FlushAsync() => store.FlushAsync();

    public Task<bool> ContainsAsync(string id, CancellationToken cancellationToken) => IsMineAsync(id, cancellationToken);

    private async Task<bool> IsMineAsync(string id, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } summary && Mine(summary);

    private bool Mine(StoredSummary summary) => ownership.Owns(user, summary.OwnerId);
}
