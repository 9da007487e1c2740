using Microsoft.Extensions.Options;

namespace Smail.Accounts;

/// <summary>
/// Who owns what, decided in one place. A conversation's stored owner is its account; a conversation from
/// before accounts (no owner, or the local user of <c>Auth:Mode=none</c>) belongs to the first admin. Under
/// <c>none</c> the one local person owns everything.
/// </summary>
internal sealed class Ownership(IOptions<AuthOptions> options, AccountStore accounts)
{
    /// <summary>What a new conversation of <paramref name="user"/> stores as its owner.</summary>
    public static string StoredOwnerFor(SmailUser user) => user.Id;

    public bool Owns(SmailUser user, string? storedOwnerId) =>
        options.Value.IsNone || OwnerOf(storedOwnerId) == user.Id;

    /// <summary>The account that owns something stored with <paramref name="storedOwnerId"/>.</summary>
    public string? OwnerOf(string? storedOwnerId) =>
        storedOwnerId is null || storedOwnerId == SmailUser.Local.Id ? accounts.FirstAdmin?.Id : storedOwnerId;
}
