using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Smail.Accounts.Authentication;

/// <summary>
/// The one place a request's credential is checked against the live accounts, whatever handler read it
/// (cookie, bearer token, trusted proxy header, OpenID Connect): the account exists and is active, its
/// security stamp matches, and the sign-in or token still exists. Only then is the request authenticated,
/// as a <see cref="SmailUser"/> with the account's current role, and watched for revocation. No header path
/// skips a check (Open WebUI CVE-2026-45339). Under <c>Auth:Mode=none</c> every request is the local user.
/// </summary>
internal sealed class UserResolution(RequestDelegate next, IOptions<AuthOptions> options, AccountStore accounts, Revocations revocations)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (options.Value.IsNone)
        {
            Authenticate(context, SmailUser.Local);
            await next(context);
            return;
        }
        var claims = context.User;
        if (claims.Identity?.IsAuthenticated != true || claims.FindFirstValue(SmailClaims.Credential) is not { } credential)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
            await next(context);
            return;
        }
        // Watched before it is checked: a revocation between the check and the watch cannot be missed.
        var accountId = claims.FindFirstValue(SmailClaims.AccountId) ?? "";
        using var watch = revocations.Watch(context, Revocations.ForAccount(accountId), credential);
        context.Features.Set(new RevocationWatch(watch, credential));
        // A credential made through another instance a moment ago may not have reached this one yet: it reads the
        // accounts again before refusing.
        var checkedNow = Check(claims, accountId, credential);
        if (checkedNow is null)
        {
            await accounts.CatchUpAsync(context.RequestAborted);
            checkedNow = Check(claims, accountId, credential);
        }
        if (checkedNow is ({ } account, var token))
        {
            accounts.Seen(account, token);
            Authenticate(context, new SmailUser(account.Id, account.Username, account.Role));
        }
        else
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
            if (claims.Identity.AuthenticationType == CookieAuthenticationDefaults.AuthenticationScheme)
            {
                // A revoked or stale cookie is removed, so the browser stops sending it.
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            }
        }
        await next(context);
    }

    /// <summary>The account, and the token when the credential is one; null when the credential is not good now.</summary>
    private (Account Account, ApiToken? Token)? Check(ClaimsPrincipal claims, string accountId, string credential)
    {
        if (accounts.Find(accountId) is not { IsActive: true } account
            || claims.FindFirstValue(SmailClaims.SecurityStamp) != account.SecurityStamp)
        {
            return null;
        }
        if (Revocations.TokenOf(credential) is { } tokenId)
        {
            return accounts.FindTokenById(tokenId) is { } token && token.AccountId == accountId ? (account, token) : null;
        }
        var valid = Revocations.SignInOf(credential) is { } signInId
            ? accounts.FindSignIn(signInId)?.AccountId == accountId
            // The proxy vouches for each request itself; its handler made this principal on this request.
            : credential == Revocations.ForProxy(accountId);
        return valid ? (account, null) : null;
    }

    private static void Authenticate(HttpContext context, SmailUser user)
    {
        context.Features.Set(user);
        context.User = user.ToPrincipal("smail");
    }
}

/// <summary>
/// The credential the request came with (<see cref="Revocations"/>' key), and its revocation watch, so that a
/// request that revokes its own credential (sign-out, a token revoking itself) is not cut off before it answers.
/// </summary>
internal sealed class RevocationWatch(IDisposable watch, string credential)
{
    public static string? CredentialOf(HttpContext context) => context.Features.Get<RevocationWatch>()?.Credential;

    private string Credential => credential;

    public static void Release(HttpContext context) => context.Features.Get<RevocationWatch>()?.Dispose();

    private void Dispose() => watch.Dispose();
}
