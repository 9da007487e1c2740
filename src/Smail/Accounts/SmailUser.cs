using System.Security.Claims;

namespace Smail.Accounts;

/// <summary>
/// Who is asking, as checked on this request against the live account list (<see cref="Authentication.UserResolution"/>):
/// the account's current role, never the one a cookie was issued with. Route handlers take it as a parameter.
/// </summary>
internal sealed record SmailUser(string Id, string Name, string Role)
{
    /// <summary>The one person of <c>Auth:Mode=none</c>; everything belongs to them.</summary>
    public static SmailUser Local { get; } = new("local", "local", Roles.Admin);

    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>Set by <see cref="Authentication.UserResolution"/> on every authenticated request.</summary>
    public static SmailUser? Of(HttpContext context) => context.Features.Get<SmailUser>();

    /// <summary>Minimal API binding: the handler's <c>SmailUser user</c> parameter.</summary>
    public static ValueTask<SmailUser?> BindAsync(HttpContext context) => ValueTask.FromResult(Of(context));

    public ClaimsPrincipal ToPrincipal(string authenticationType) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, Id), new Claim(ClaimTypes.Name, Name), new Claim(ClaimTypes.Role, Role)],
        authenticationType, ClaimTypes.Name, ClaimTypes.Role));
}

/// <summary>The claims Smail's own credentials carry: which account, which credential, and the stamp they were issued under.</summary>
internal static class SmailClaims
{
    public const string AccountId = ClaimTypes.NameIdentifier;
    public const string SecurityStamp = "smail:stamp";

    /// <summary>A revocation key (<see cref="Revocations"/>): the sign-in or the token this request came with.</summary>
    public const string Credential = "smail:credential";

    public static ClaimsPrincipal Principal(Account account, string credential, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(AccountId, account.Id),
            new Claim(ClaimTypes.Name, account.Username),
            new Claim(SecurityStamp, account.SecurityStamp),
            new Claim(Credential, credential),
        ],
        scheme, ClaimTypes.Name, ClaimTypes.Role));
}
