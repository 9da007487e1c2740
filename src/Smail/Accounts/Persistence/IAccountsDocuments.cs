namespace Smail.Accounts.Persistence;

/// <summary>
/// Where the accounts document lives: the one writer of it, for <see cref="AccountStore"/>, which keeps it in memory
/// and indexes it. A change is applied to the stored document under the storage's own lock and is durable when the
/// task completes. A document changed by another Smail instance is announced through <see cref="ChangedElsewhere"/>.
/// </summary>
internal interface IAccountsDocuments : IAsyncDisposable
{
    Task<AccountsDocument> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the stored document, which no other writer changes meanwhile; returns what was stored.</summary>
    Task<AccountsDocument> ChangeAsync(Func<AccountsDocument, AccountsDocument> change);

    /// <summary>Raised (on any thread) with the new document when another instance changed it.</summary>
    event Action<AccountsDocument>? ChangedElsewhere;
}
