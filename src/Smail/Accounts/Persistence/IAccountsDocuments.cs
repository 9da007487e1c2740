namespace Smail.Accounts.Persistence;

/// <summary>
/// Where the accounts document lives: the one writer of it, for <see cref="AccountStore"/>, which keeps it in memory
/// and indexes it. A change is applied to the stored document under the storage's own lock and is durable when the
/// task completes. A document changed by another Smail instance is announced through <see cref="ChangedElsewhere"/>.
/// </summary>
internal interface IAccountsDocuments : IAsyncDisposable
{
    Task<StoredAccounts> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the stored document, which no other writer changes meanwhile; returns what was stored.</summary>
    Task<StoredAccounts> ChangeAsync(Func<AccountsDocument, AccountsDocument> change);

    /// <summary>
    /// Reads the stored document now, in case another instance changed it a moment ago and its notice is still on the
    /// way, and raises <see cref="ChangedElsewhere"/> when it is newer. When the task completes, everything stored
    /// before the call is in place here, whoever read it: for a credential this instance does not know, which may have
    /// been made on another instance by the request before this one.
    /// </summary>
    Task CatchUpAsync(CancellationToken cancellationToken);

    /// <summary>Raised (on any thread) with the new document when another instance changed it.</summary>
    event Action<StoredAccounts>? ChangedElsewhere;
}

/// <summary>
/// The accounts document with the version it was stored as. Versions only grow, so of two copies that arrive out of
/// order (this instance's own change, and the notice of another's), the newer one is kept.
/// </summary>
internal sealed record StoredAccounts(long Version, AccountsDocument Document);
