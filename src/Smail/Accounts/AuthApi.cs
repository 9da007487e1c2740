using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Smail.Accounts.Authentication;
using Smail.Problems;

namespace Smail.Accounts;

/// <summary>Signing up, in and out with a password (<c>Auth:Mode=local</c>), and who am I (every mode).</summary>
internal static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Accounts");

        group.MapPost("/signup", SignUpAsync).AllowAnonymous();
        group.MapPost("/signin", SignInAsync).AllowAnonymous();
        group.MapPost("/signout", SignOutAsync);
        group.MapPost("/password", ChangePasswordAsync);
        group.MapGet("/me", Me);
        group.MapGet("/options", Options).AllowAnonymous();
        group.MapGet("/oidc", OidcSignIn.Start).AllowAnonymous();

        return group;
    }

    /// <summary>The first account is an admin at once; later ones follow <c>Auth:SignUp</c>. An active account is signed in.</summary>
    public static async Task<Results<Created<UserView>, ProblemHttpResult>> SignUpAsync(
        CredentialsRequest? request, HttpContext http, IOptions<AuthOptions> options, AccountStore accounts,
        IPasswordHasher<Account> hasher, AuditLog audit)
    {
        if (NotLocal(options.Value) is { } wrongMode)
        {
            return wrongMode;
        }
        if (CheckCredentials(request) is { } invalid)
        {
            return invalid;
        }
        var policy = options.Value.SignUp;
        if (policy == SignUpPolicies.Closed)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "signup_closed",
                "Sign-up is closed on this server (Auth:SignUp=closed). Ask an admin to add you.");
        }
        var hash = hasher.HashPassword(null!, request!.Password!);
        var status = policy == SignUpPolicies.Open ? AccountStatus.Active : AccountStatus.Pending;
        if (await accounts.CreateAsync(request.Username!, hash, status) is not { } account)
        {
            return ApiProblems.Create(StatusCodes.Status409Conflict, "username_taken", "That user name is taken. Choose another.");
        }
        audit.Record(AuditActions.SignUp, account, account, account.Status);
        if (account.IsActive)
        {
            await SignInWithCookieAsync(http, account, accounts, options.Value);
        }
        return TypedResults.Created("/api/auth/me", UserView.From(account));
    }

    public static async Task<Results<Ok<UserView>, ProblemHttpResult>> SignInAsync(
        CredentialsRequest? request, HttpContext http, IOptions<AuthOptions> options, AccountStore accounts,
        IPasswordHasher<Account> hasher, SignInThrottle throttle, AuditLog audit)
    {
        if (NotLocal(options.Value) is { } wrongMode)
        {
            return wrongMode;
        }
        if (string.IsNullOrEmpty(request?.Username) || string.IsNullOrEmpty(request.Password)
            || request.Username.Length > 64 || request.Password.Length > Usernames.MaximumPasswordLength)
        {
            return ApiProblems.Invalid("invalid_credentials_request", "Send {\"username\": …, \"password\": …}.");
        }
        if (throttle.Blocked(request.Username) is { } wait)
        {
            audit.Record(AuditActions.SignInFailed, null, request.Username, null, null, "throttled");
            return ApiProblems.RateLimited(http, wait,
                $"Too many failed sign-ins for this account. Try again in {Math.Ceiling(wait.TotalMinutes)} min.");
        }
        var account = accounts.FindByName(request.Username);
        // An unknown name costs the same hashing as a known one, so timing does not tell which names exist.
        var verdict = hasher.VerifyHashedPassword(account!, account?.PasswordHash ?? s_unknownUserHash.Value, request.Password);
        if (account?.PasswordHash is null || verdict == PasswordVerificationResult.Failed)
        {
            throttle.Failed(request.Username);
            audit.Record(AuditActions.SignInFailed, account?.Id, request.Username, account?.Id, account?.Username, "wrong password or unknown name");
            return ApiProblems.Create(StatusCodes.Status401Unauthorized, "invalid_credentials", "That user name and password do not match.");
        }
        if (account.Status == AccountStatus.Pending)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "account_pending", "Your account is waiting for an admin's approval.");
        }
        if (account.Status == AccountStatus.Disabled)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "account_disabled", "Your account is disabled. Ask an admin.");
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehashed = hasher.HashPassword(account, request.Password);
            account = await accounts.UpdateAsync(account.Id, a => a with { PasswordHash = rehashed }) ?? account;
        }
        await SignInWithCookieAsync(http, account, accounts, options.Value);
        audit.Record(AuditActions.SignIn, account, account);
        return TypedResults.Ok(UserView.From(account));
    }

    /// <summary>Ends this browser's sign-in: its cookie stops working and its open streams end. Other browsers stay signed in.</summary>
    public static async Task<NoContent> SignOutAsync(HttpContext http, SmailUser user, AccountStore accounts, AuditLog audit)
    {
        var credential = RevocationWatch.CredentialOf(http);
        // This request is answered; the others of this sign-in end now.
        RevocationWatch.Release(http);
        if (credential is not null && Revocations.SignInOf(credential) is { } signInId)
        {
            await accounts.RemoveSignInAsync(signInId);
        }
        if (accounts.Find(user.Id) is { } account)
        {
            audit.Record(AuditActions.SignOut, account, account);
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Changes the password, given the current one. Every other sign-in and every token of the account stops
    /// working (a new security stamp), and this browser is signed in again, so the person stays where they are.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        PasswordChangeRequest? request, HttpContext http, SmailUser user, IOptions<AuthOptions> options, AccountStore accounts,
        IPasswordHasher<Account> hasher, SignInThrottle throttle, AuditLog audit)
    {
        if (NotLocal(options.Value) is { } wrongMode)
        {
            return wrongMode;
        }
        if (accounts.Find(user.Id) is not { PasswordHash: { } hash } account)
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "not_found", "This account has no password to change.");
        }
        if (CheckCredentials(new CredentialsRequest(account.Username, request?.NewPassword)) is { } weak)
        {
            return weak;
        }
        if (throttle.Blocked(account.Username) is { } wait)
        {
            return ApiProblems.RateLimited(http, wait, $"Too many wrong passwords. Try again in {Math.Ceiling(wait.TotalMinutes)} min.");
        }
        if (request!.CurrentPassword is null || request.CurrentPassword.Length > Usernames.MaximumPasswordLength
            || hasher.VerifyHashedPassword(account, hash, request.CurrentPassword) == PasswordVerificationResult.Failed)
        {
            throttle.Failed(account.Username);
            audit.Record(AuditActions.SignInFailed, account, account, "wrong current password when changing it");
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "invalid_credentials", "Your current password is not that.");
        }
        var newHash = hasher.HashPassword(account, request.NewPassword!);
        // This request ends its own credential; it answers all the same.
        RevocationWatch.Release(http);
        var changed = await accounts.UpdateAsync(account.Id, a => a with { PasswordHash = newHash, SecurityStamp = AccountStore.NewStamp() });
        await SignInWithCookieAsync(http, changed!, accounts, options.Value);
        audit.Record(AuditActions.PasswordSet, changed, changed, "changed by its owner; other sign-ins and tokens ended");
        return TypedResults.NoContent();
    }

    public static Ok<UserView> Me(SmailUser user, IOptions<AuthOptions> options, AccountStore accounts) =>
        TypedResults.Ok((accounts.Find(user.Id) is { } account ? UserView.From(account) : new UserView(user.Id, user.Name, user.Role, AccountStatus.Active))
            with { Mode = options.Value.Mode });

    /// <summary>
    /// What the pages need before anything else: the mode, whether sign-up is open, by approval or closed, and
    /// who is signed in on this browser (null for nobody), without a 401 for not being signed in.
    /// </summary>
    public static Ok<AuthOptionsView> Options(HttpContext http, IOptions<AuthOptions> options, AccountStore accounts) =>
        TypedResults.Ok(new AuthOptionsView(options.Value.Mode, options.Value.SignUp)
        {
            User = SmailUser.Of(http) is { } user ? Me(user, options, accounts).Value : null,
        });

    internal static async Task SignInWithCookieAsync(HttpContext http, Account account, AccountStore accounts, AuthOptions options)
    {
        var signIn = await accounts.CreateSignInAsync(account.Id, options.SessionLifetime);
        var principal = SmailClaims.Principal(account, Revocations.ForSignIn(signIn.Id), CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { IsPersistent = true, ExpiresUtc = null, AllowRefresh = true });
    }

    internal static ProblemHttpResult? NotLocal(AuthOptions options) => options.Mode == AuthModes.Local ? null
        : ApiProblems.Create(StatusCodes.Status404NotFound, "not_found",
            $"Smail signs people in with Auth:Mode={options.Mode}; passwords are used only with Auth:Mode=local.");

    private static ProblemHttpResult? CheckCredentials(CredentialsRequest? request)
    {
        if (!Usernames.IsValid(request?.Username))
        {
            return ApiProblems.Invalid("invalid_username", "A user name is 1 to 64 letters, digits, and . _ - @.");
        }
        if (request!.Password is null || request.Password.Length < Usernames.MinimumPasswordLength)
        {
            return ApiProblems.Invalid("weak_password", $"Choose a password of at least {Usernames.MinimumPasswordLength} characters.");
        }
        return request.Password.Length > Usernames.MaximumPasswordLength
            ? ApiProblems.Invalid("weak_password", $"A password is at most {Usernames.MaximumPasswordLength} characters.")
            : null;
    }

    private static readonly Lazy<string> s_unknownUserHash = new(() => new PasswordHasher<Account>().HashPassword(null!, Guid.NewGuid().ToString()));
}
