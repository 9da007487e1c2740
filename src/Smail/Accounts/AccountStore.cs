using System.Collections.Concurrent;
using System.Collections.Frozen;
using Smail.Accounts.Persistence;
using Smail.Sessions;

namespace Smail.Accounts;

/// <summary>
/// The accounts, sign-ins and API tokens: all of it in memory, so checking a request's credential is a dictionary
/// lookup. It is stored by an <see cref="IAccountsDocuments"/> (<c>accounts.json</c>, or PostgreSQL); a change is
/// stored before it is visible, and revoking a credential aborts its open requests (<see cref="Revocations"/>),
/// whether the revocation was made here or by another instance.
/// </summary>
internal sealed class AccountStore : IDisposable
{
    public const string FileName = AccountsFile.FileName;

    /// <summary>Activity is written at most this often per account: it is for the admin page, not for auditing.</summary>
    private static readonly TimeSpan s_seenPrecision = TimeSpan.FromMinutes(5);

    private readonly IAccountsDocuments _documents;
    private readonly TimeProvider _time;
    private readonly Revocations _revocations;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new();
    private volatile Snapshot _current;

    /// <summary>
    /// The document and its indexes, swapped whole: every request's credential check is a few hash lookups. Only a
    /// newer version replaces it (<see cref="Swap"/>): this instance's own change and the notice of another's may
    /// arrive in either order, and the older must never win, or a revoked token would work again.
    /// </summary>
    private sealed class Snapshot(StoredAccounts stored)
    {
        public long Version { get; } = stored.Version;
        public AccountsDocument Document { get; } = stored.Document;
        public FrozenDictionary<string, Account> ById { get; } = stored.Document.Accounts.ToFrozenDictionary(a => a.Id);
        public FrozenDictionary<string, Account> ByName { get; } = stored.Document.Accounts.DistinctBy(a => a.Username, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(a => a.Username, StringComparer.OrdinalIgnoreCase);
        public FrozenDictionary<string, Account> ByExternalId { get; } =
            stored.Document.Accounts.Where(a => a.ExternalId is not null).ToFrozenDictionary(a => a.ExternalId!);
        public FrozenDictionary<string, SignInSession> SignIns { get; } = stored.Document.SignIns.ToFrozenDictionary(s => s.Id);
        public FrozenDictionary<string, ApiToken> TokensById { get; } = stored.Document.Tokens.ToFrozenDictionary(t => t.Id);
        public FrozenDictionary<string, ApiToken> TokensByHash { get; } = stored.Document.Tokens.ToFrozenDictionary(t => t.Hash);
        public Account? FirstAdmin { get; } = stored.Document.Accounts.Where(a => a.Role == Roles.Admin).MinBy(a => a.CreatedAt);
    }

    private AccountsDocument Document => _current.Document;

    private AccountStore(IAccountsDocuments documents, StoredAccounts loaded, TimeProvider time, Revocations revocations)
    {
        _documents = documents;
        _time = time;
        _revocations = revocations;
        _current = new Snapshot(loaded);
        documents.ChangedElsewhere += ChangedElsewhere;
    }

    /// <summary>Reads the stored document; a store that cannot be read stops the start (see <see cref="AccountsFile.Read"/>).</summary>
    public static async Task<AccountStore> OpenAsync(IAccountsDocuments documents, TimeProvider time, Revocations revocations, CancellationToken cancellationToken = default) =>
        new(documents, await documents.LoadAsync(cancellationToken), time, revocations);

    public IReadOnlyList<Account> Accounts => Document.Accounts;

    public Account? Find(string id) => _current.ById.GetValueOrDefault(id);

    public Account? FindByName(string username) => _current.ByName.GetValueOrDefault(username);

    public Account? FindByExternalId(string externalId) => _current.ByExternalId.GetValueOrDefault(externalId);

    /// <summary>Owns the conversations stored before accounts existed: the first admin.</summary>
    public Account? FirstAdmin => _current.FirstAdmin;

    public DateTimeOffset? LastSeen(Account account) =>
        _seen.TryGetValue(account.Id, out var seen) ? seen : account.LastSeenAt;

    /// <summary>
    /// Creates an account named <paramref name="username"/>; the first account is an admin and active,
    /// later ones get <paramref name="laterStatus"/>. Null when the name is taken (case-insensitively).
    /// </summary>
    public async Task<Account?> CreateAsync(string username, string? passwordHash, string laterStatus, string? externalId = null, bool admin = false)
    {
        Account? created = null;
        await ChangeAsync(document =>
        {
            if (document.Accounts.Any(a => string.Equals(a.Username, username, StringComparison.OrdinalIgnoreCase)))
            {
                return document;
            }
            var first = document.Accounts.IsEmpty;
            created = new Account(SmailIds.New(), username, first || admin ? Roles.Admin : Roles.User,
                first ? AccountStatus.Active : laterStatus, passwordHash, NewStamp(), _time.GetUtcNow())
            {
                ExternalId = externalId,
            };
            return document with { Accounts = document.Accounts.Add(created) };
        });
        return created;
    }

    /// <summary>
    /// Changes an account. When the change disables it or renews its security stamp, every sign-in and
    /// token of the account is removed, and its open requests end: enabling it again later does not bring
    /// back a credential that may have leaked meanwhile.
    /// </summary>
    public async Task<Account?> UpdateAsync(string id, Func<Account, Account> change)
    {
        Account? after = null;
        var revoked = false;
        await ChangeAsync(document =>
        {
            var before = document.Accounts.Find(a => a.Id == id);
            if (before is null)
            {
                return document;
            }
            after = change(before);
            revoked = !after.IsActive || after.SecurityStamp != before.SecurityStamp;
            return document with
            {
                Accounts = document.Accounts.Replace(before, after),
                SignIns = revoked ? document.SignIns.RemoveAll(s => s.AccountId == id) : document.SignIns,
                Tokens = revoked ? document.Tokens.RemoveAll(t => t.AccountId == id) : document.Tokens,
            };
        });
        if (revoked)
        {
            _revocations.Revoke(Revocations.ForAccount(id));
        }
        return after;
    }

    /// <summary>Removes an account with its sign-ins and tokens; its open requests end.</summary>
    public async Task<bool> DeleteAsync(string id)
    {
        var found = false;
        await ChangeAsync(document =>
        {
            found = document.Accounts.Any(a => a.Id == id);
            return found
                ? new AccountsDocument(
                    document.Accounts.RemoveAll(a => a.Id == id),
                    document.SignIns.RemoveAll(s => s.AccountId == id),
                    document.Tokens.RemoveAll(t => t.AccountId == id))
                {
                    Presets = document.Presets.RemoveAll(p => p.AccountId == id),
                }
                : document;
        });
        _revocations.Revoke(Revocations.ForAccount(id));
        return found;
    }

    public async Task<SignInSession> CreateSignInAsync(string accountId, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow();
        var signIn = new SignInSession(SmailIds.New(), accountId, now, now + lifetime);
        // Expired sign-ins are dropped on the way, so the file does not grow with every sign-in ever made.
        await ChangeAsync(document => document with
        {
            SignIns = document.SignIns.RemoveAll(s => s.ExpiresAt <= now).Add(signIn),
        });
        return signIn;
    }

    /// <summary>The sign-in, if it still exists and has not expired.</summary>
    public SignInSession? FindSignIn(string id) =>
        _current.SignIns.GetValueOrDefault(id) is { } signIn && signIn.ExpiresAt > _time.GetUtcNow() ? signIn : null;

    public async Task RemoveSignInAsync(string id)
    {
        await ChangeAsync(document => document with { SignIns = document.SignIns.RemoveAll(s => s.Id == id) });
        _revocations.Revoke(Revocations.ForSignIn(id));
    }

    /// <summary>The account's presets, oldest first.</summary>
    public IReadOnlyList<Preset> PresetsOf(string accountId) => [.. Document.Presets.Where(p => p.AccountId == accountId)];

    /// <summary>
    /// Adds, changes or removes one of an account's presets in one write. A preset made default makes the account's
    /// others not; <paramref name="change"/> gets the account's presets and returns them changed, or null to refuse.
    /// </summary>
    public async Task<IReadOnlyList<Preset>?> ChangePresetsAsync(string accountId, Func<IReadOnlyList<Preset>, IReadOnlyList<Preset>?> change)
    {
        IReadOnlyList<Preset>? after = null;
        await ChangeAsync(document =>
        {
            after = change(document.Presets.Where(p => p.AccountId == accountId).ToList());
            return after is null ? document : document with { Presets = [.. document.Presets.Where(p => p.AccountId != accountId), .. after] };
        });
        return after;
    }

    public IReadOnlyList<ApiToken> TokensOf(string accountId) => [.. Document.Tokens.Where(t => t.AccountId == accountId)];

    public ApiToken? FindTokenByHash(string hash) => _current.TokensByHash.GetValueOrDefault(hash);

    public ApiToken? FindTokenById(string id) => _current.TokensById.GetValueOrDefault(id);

    public DateTimeOffset? LastUsed(ApiToken token) => _seen.TryGetValue(SeenKey(token), out var used) ? used : token.LastUsedAt;

    public async Task<ApiToken> CreateTokenAsync(string accountId, string name, string hash)
    {
        var token = new ApiToken(SmailIds.New(), accountId, name, hash, _time.GetUtcNow());
        await ChangeAsync(document => document with { Tokens = document.Tokens.Add(token) });
        return token;
    }

    /// <summary>Revokes one of the account's tokens: false when it has no such token (another account's included).</summary>
    public async Task<bool> RemoveTokenAsync(string accountId, string tokenId)
    {
        var found = false;
        await ChangeAsync(document =>
        {
            found = document.Tokens.Any(t => t.Id == tokenId && t.AccountId == accountId);
            return found ? document with { Tokens = document.Tokens.RemoveAll(t => t.Id == tokenId) } : document;
        });
        if (found)
        {
            _revocations.Revoke(Revocations.ForToken(tokenId));
        }
        return found;
    }

    /// <summary>Notes a request by the account (and by the token, if one was used); written now and then, not every time.</summary>
    public void Seen(Account account, ApiToken? token)
    {
        var now = _time.GetUtcNow();
        var stale = now - (LastSeen(account) ?? DateTimeOffset.MinValue) > s_seenPrecision;
        _seen[account.Id] = now;
        if (token is not null)
        {
            stale |= now - (LastUsed(token) ?? DateTimeOffset.MinValue) > s_seenPrecision;
            _seen[SeenKey(token)] = now;
        }
        if (stale)
        {
            _ = ChangeAsync(document => document).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Reads the accounts again when another instance may have changed them a moment ago: for a credential this
    /// instance does not know, before it is refused; the caller then checks again.
    /// </summary>
    public Task CatchUpAsync(CancellationToken cancellationToken) => _documents.CatchUpAsync(cancellationToken);

    // Tokens' last use sits beside the accounts' last activity, under keys that cannot be an account id.
    private static string SeenKey(ApiToken token) => "t:" + token.Id;

    public static string NewStamp() => Guid.NewGuid().ToString("N");

    /// <summary>Stops listening; the documents' storage belongs to whoever made it.</summary>
    public void Dispose() => _documents.ChangedElsewhere -= ChangedElsewhere;

    // The change is applied to the document as stored, which another instance may have changed since this one
    // last heard; the swap below keeps the newer of the two when the notice of that change arrives meanwhile.
    private async Task ChangeAsync(Func<AccountsDocument, AccountsDocument> change)
    {
        Swap(await _documents.ChangeAsync(document => WithActivity(change(document))));
    }

    /// <summary>Puts <paramref name="stored"/> in place unless a newer version is there already; the one replaced, or null.</summary>
    private Snapshot? Swap(StoredAccounts stored)
    {
        var next = new Snapshot(stored);
        var current = _current;
        while (stored.Version > current.Version)
        {
            var seen = Interlocked.CompareExchange(ref _current, next, current);
            if (ReferenceEquals(seen, current))
            {
                return current;
            }
            current = seen;
        }
        return null;
    }

    /// <summary>
    /// Another instance changed the accounts: this one sees the change, and ends the open requests of every
    /// credential that is gone (signed out, revoked, or of an account disabled, deleted or with a new stamp).
    /// </summary>
    private void ChangedElsewhere(StoredAccounts stored)
    {
        if (Swap(stored) is not { } before)
        {
            return;
        }
        var after = _current;
        foreach (var signIn in before.SignIns.Keys.Where(id => !after.SignIns.ContainsKey(id)))
        {
            _revocations.Revoke(Revocations.ForSignIn(signIn));
        }
        foreach (var token in before.TokensById.Keys.Where(id => !after.TokensById.ContainsKey(id)))
        {
            _revocations.Revoke(Revocations.ForToken(token));
        }
        foreach (var account in before.ById.Values.Where(a => after.ById.GetValueOrDefault(a.Id) is not { IsActive: true } now || now.SecurityStamp != a.SecurityStamp))
        {
            _revocations.Revoke(Revocations.ForAccount(account.Id));
        }
    }

    // The activity noted in memory goes into the file with the next write.
    private AccountsDocument WithActivity(AccountsDocument document) => document with
    {
        Accounts = [.. document.Accounts.Select(a => _seen.TryGetValue(a.Id, out var seen) ? a with { LastSeenAt = seen } : a)],
        Tokens = [.. document.Tokens.Select(t => _seen.TryGetValue(SeenKey(t), out var used) ? t with { LastUsedAt = used } : t)],
    };
}
