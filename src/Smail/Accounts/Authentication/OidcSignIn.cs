using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Smail.Accounts.Authentication;

/// <summary>
/// <c>Auth:Mode=oidc</c>: any OpenID Connect provider, through ASP.NET Core's handler (authorization code flow
/// with PKCE). After the provider vouches for a person, they become, or are found as, a Smail account keyed by
/// the issuer's subject; new accounts follow <c>Auth:SignUp</c> like local ones, and members of
/// <c>Auth:Oidc:AdminGroup</c> are admins. The browser then holds the same cookie as a local sign-in.
/// </summary>
internal static class OidcSignIn
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    public static AuthenticationBuilder AddSmailOpenIdConnect(this AuthenticationBuilder authentication, AuthOptions auth) =>
        authentication.AddOpenIdConnect(Scheme, options =>
        {
            options.Authority = auth.Oidc.Authority;
            options.ClientId = auth.Oidc.ClientId;
            options.ClientSecret = auth.Oidc.ClientSecret;
            options.RequireHttpsMetadata = auth.Oidc.RequireHttpsMetadata;
            options.ResponseType = "code";
            options.UsePkce = true;
            options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            // Outside /api: the provider sends the browser back here from its own site, a navigation the API
            // refuses. A redirect (query), not a cross-site form post, which would not carry the Lax cookies below.
            options.CallbackPath = "/signin-oidc";
            options.ResponseMode = "query";
            options.Scope.Clear();
            options.Scope.Add("openid");
            options.Scope.Add("profile");
            options.MapInboundClaims = false;
            options.GetClaimsFromUserInfoEndpoint = false;
            // The provider's redirect back is a top-level cross-site navigation, so the correlation cookies
            // must be Lax; Smail's own sign-in cookie stays Strict.
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.NonceCookie.SameSite = SameSiteMode.Lax;
            // Secure on HTTPS like every Smail cookie; the default (always) would lose them on a plain-HTTP LAN.
            options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Events.OnTokenValidated = OnTokenValidatedAsync;
            options.Events.OnRemoteFailure = context =>
            {
                context.HandleResponse();
                context.Response.Redirect("/signin.html?error=oidc");
                return Task.CompletedTask;
            };
        });

    private static async Task OnTokenValidatedAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var accounts = services.GetRequiredService<AccountStore>();
        var auth = services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var audit = services.GetRequiredService<AuditLog>();
        var identity = context.Principal!;
        var subject = identity.FindFirstValue("sub");
        if (subject is null)
        {
            context.Fail("The provider's token has no subject.");
            return;
        }
        var externalId = $"{identity.FindFirstValue("iss")}|{subject}";
        var isAdmin = auth.Oidc.AdminGroup is { Length: > 0 } group && identity.FindAll("groups").Any(c => c.Value == group);
        var account = accounts.FindByExternalId(externalId);
        if (account is null)
        {
            if (auth.SignUp == SignUpPolicies.Closed && accounts.Accounts.Count > 0 && !isAdmin)
            {
                Refuse(context, "closed");
                return;
            }
            var status = auth.SignUp == SignUpPolicies.Open || isAdmin ? AccountStatus.Active : AccountStatus.Pending;
            account = await CreateUniqueAsync(accounts, NameFrom(identity, subject), externalId, status, isAdmin);
            audit.Record(AuditActions.SignUp, account, account, "OpenID Connect");
        }
        else if (auth.Oidc.AdminGroup is { Length: > 0 } && (account.Role == Roles.Admin) != isAdmin && accounts.FirstAdmin?.Id != account.Id)
        {
            // The provider's groups decide the role at every sign-in; the first admin keeps theirs so someone always can.
            var role = isAdmin ? Roles.Admin : Roles.User;
            account = await accounts.UpdateAsync(account.Id, a => a with { Role = role }) ?? account;
        }
        if (!account.IsActive)
        {
            Refuse(context, account.Status);
            return;
        }
        var signIn = await accounts.CreateSignInAsync(account.Id, auth.SessionLifetime);
        context.Principal = SmailClaims.Principal(account, Revocations.ForSignIn(signIn.Id), CookieAuthenticationDefaults.AuthenticationScheme);
        context.Properties!.IsPersistent = true;
        audit.Record(AuditActions.SignIn, account, account, "OpenID Connect");
    }

    private static void Refuse(TokenValidatedContext context, string status)
    {
        context.HandleResponse();
        context.Response.Redirect($"/signin.html?status={Uri.EscapeDataString(status)}");
    }

    private static string NameFrom(ClaimsPrincipal identity, string subject)
    {
        var name = identity.FindFirstValue("preferred_username") ?? identity.FindFirstValue("email") ?? identity.FindFirstValue("name") ?? subject;
        var cleaned = new string([.. name.Where(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '@').Take(56)]);
        return cleaned.Length > 0 ? cleaned : "user";
    }

    private static async Task<Account> CreateUniqueAsync(AccountStore accounts, string name, string externalId, string status, bool admin)
    {
        for (var n = 1; ; n++)
        {
            var candidate = n == 1 ? name : $"{name}-{n}";
            if (await accounts.CreateAsync(candidate, passwordHash: null, status, externalId, admin) is { } created)
            {
                return created;
            }
        }
    }

    /// <summary>GET /api/auth/oidc: sends the browser to the provider, and back to the chat once signed in.</summary>
    public static IResult Start(IOptions<AuthOptions> options) => options.Value.Mode == AuthModes.Oidc
        ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }, [Scheme])
        : Problems.ApiProblems.Create(StatusCodes.Status404NotFound, "not_found", "Smail is not set up for OpenID Connect (Auth:Mode=oidc).");
}
