using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Smail.Accounts.Authentication;

/// <summary>
/// <c>Authorization: Bearer smail_…</c>: a personal API token, found by the SHA-256 of its secret. What the
/// token may do is then decided by <see cref="UserResolution"/>, exactly as for a cookie.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccountStore accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "token";
    public const string Prefix = "smail_";

    public static bool IsPresent(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>A new token's secret: shown to its owner once and never stored.</summary>
    public static string NewSecret() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 200)
        {
            return AuthenticateResult.Fail("Not a Smail API token.");
        }
        var hash = Hash(secret);
        var found = Find(hash);
        if (found is null)
        {
            await accounts.CatchUpAsync(Context.RequestAborted);
            // A token made through another instance a moment ago may not have reached this one before now.
            found = Find(hash);
        }
        if (found is not ({ } token, { } account))
        {
            return AuthenticateResult.Fail("Unknown or revoked API token.");
        }
        var principal = SmailClaims.Principal(account, Revocations.ForToken(token.Id), SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private (ApiToken Token, Account Account)? Find(string hash) =>
        accounts.FindTokenByHash(hash) is { } token && accounts.Find(token.AccountId) is { } account ? (token, account) : null;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
