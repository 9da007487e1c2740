using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Smail.Accounts.Authentication;
using Smail.Accounts.Persistence;
using Smail.Postgres;
using Smail.Sessions;

namespace Smail.Accounts;

internal static class AccountsServiceCollectionExtensions
{
    /// <summary>The forwarding scheme that picks a request's handler: a bearer token, else the mode's own.</summary>
    private const string SmailScheme = "smail";

    /// <summary>
    /// Accounts, sign-in handlers for <c>Auth:Mode</c>, authorization (every route needs a user unless it says
    /// otherwise) and per-user limits. Reads the mode now, so a bad setting stops the start with its name.
    /// </summary>
    public static WebApplicationBuilder AddSmailAccounts(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        Validate(auth);
        LoopbackOnly.Check(builder.Configuration, auth);

        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Revocations>();
        services.AddAccountsStorage(builder.Configuration);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<Ownership>();
        services.AddSingleton<TrustedProxies>();
        services.AddSingleton<IPasswordHasher<Account>, PasswordHasher<Account>>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddUserLimits();

        // Cookies are encrypted with keys kept beside the conversations, so a restart does not sign everyone out;
        // on PostgreSQL the keys are there, so every instance reads every cookie.
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var protection = services.AddDataProtection().SetApplicationName("smail");
        if (storage.Provider == StorageProviders.Postgres)
        {
            services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
                .Configure<PostgresDatabase>((options, database) => options.XmlRepository = new PostgresXmlRepository(database));
        }
        else
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(storage.Path), "keys")));
        }

        var authentication = services.AddAuthentication(SmailScheme)
            .AddPolicyScheme(SmailScheme, "Smail", options => options.ForwardDefaultSelector = context =>
                BearerTokenHandler.IsPresent(context.Request) ? BearerTokenHandler.SchemeName
                : auth.Mode == AuthModes.Proxy ? ProxyHeaderHandler.SchemeName
                : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, ProxyHeaderHandler>(ProxyHeaderHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, options =>
            {
                options.Cookie.Name = "smail_session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = auth.SessionIdle;
                options.SlidingExpiration = true;
                // An API answers 401 and 404 as problems (ProblemAuthorizationResultHandler); it never redirects.
                options.Events.OnRedirectToLogin = context => { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                options.Events.OnRedirectToAccessDenied = context => { context.Response.StatusCode = StatusCodes.Status404NotFound; return Task.CompletedTask; };
            });
        if (auth.Mode == AuthModes.Oidc)
        {
            authentication.AddSmailOpenIdConnect(auth);
        }

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminApi.Policy, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }

    /// <summary>Reads the credential, checks it against the live accounts (<see cref="UserResolution"/>), then authorizes.</summary>
    public static WebApplication UseSmailAccounts(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseMiddleware<UserResolution>();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        app.MapAuthApi();
        app.MapTokensApi();
        app.MapAdminApi();
        return app;
    }

    private static void Validate(AuthOptions auth)
    {
        if (!AuthModes.All.Contains(auth.Mode))
        {
            throw new InvalidOperationException($"Auth:Mode is '{auth.Mode}'; use one of {string.Join(", ", AuthModes.All)}.");
        }
        if (!SignUpPolicies.All.Contains(auth.SignUp))
        {
            throw new InvalidOperationException($"Auth:SignUp is '{auth.SignUp}'; use one of {string.Join(", ", SignUpPolicies.All)}.");
        }
        TrustedProxies.Parse(auth.TrustedProxies);
        if (auth.Mode == AuthModes.Proxy && auth.TrustedProxies.Count == 0)
        {
            throw new InvalidOperationException("Auth:Mode=proxy needs Auth:TrustedProxies: the addresses of the proxy whose user header Smail believes.");
        }
        if (auth.Mode == AuthModes.Oidc && (string.IsNullOrWhiteSpace(auth.Oidc.Authority) || string.IsNullOrWhiteSpace(auth.Oidc.ClientId)))
        {
            throw new InvalidOperationException("Auth:Mode=oidc needs Auth:Oidc:Authority and Auth:Oidc:ClientId.");
        }
    }

    /// <summary>
    /// Where the accounts are kept follows <c>Storage:Provider</c>: <c>accounts.json</c>, or PostgreSQL, which every
    /// instance shares (and then the keys that encrypt sign-in cookies are shared there too, so any instance reads
    /// any cookie). Read at the start: a store that cannot be read stops it.
    /// </summary>
    private static void AddAccountsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.Provider == StorageProviders.Postgres)
        {
            services.AddSingleton<IAccountsDocuments>(sp => new PostgresAccountsDocuments(
                sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<ILogger<PostgresAccountsDocuments>>()));
        }
        else
        {
            services.AddSingleton<IAccountsDocuments>(_ => new AccountsFile(Path.GetFullPath(storage.Path)));
        }
        services.AddSingleton(sp => AccountStore.OpenAsync(sp.GetRequiredService<IAccountsDocuments>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Revocations>()).GetAwaiter().GetResult());
    }
}
