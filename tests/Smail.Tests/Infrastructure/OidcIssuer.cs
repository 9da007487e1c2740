using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Smail.Tests.Infrastructure;

/// <summary>
/// A small OpenID Connect provider on a loopback port, for the tests of <c>Auth:Mode=oidc</c>: discovery,
/// signing keys, the authorization code flow with PKCE (S256), and RS256 ID tokens. It signs in whoever the
/// test names in <see cref="NextUser"/>, as a provider does after its own login page, and checks everything a
/// real provider checks: the client, its secret, the redirect address, the code's single use and the verifier.
/// </summary>
public sealed class OidcIssuer : IAsyncDisposable
{
    public const string ClientId = "smail";
    public const string ClientSecret = "issuer-test-secret";

    public sealed record User(string Subject, string Name, params string[] Groups);

    private sealed record Grant(User User, string RedirectUri, string? Nonce, string Challenge);

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key" };
    private readonly ConcurrentDictionary<string, Grant> _codes = new();

    private OidcIssuer(WebApplication app) => _app = app;

    /// <summary>Who the next sign-in at this provider is.</summary>
    public User NextUser { get; set; } = new("sub-ada", "ada");

    /// <summary>How many codes were exchanged for tokens.</summary>
    public int TokensIssued { get; private set; }

    public Uri Authority => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<OidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var issuer = new OidcIssuer(app);
        app.MapGet("/.well-known/openid-configuration", issuer.Discovery);
        app.MapGet("/jwks", issuer.Keys);
        app.MapGet("/authorize", issuer.Authorize);
        app.MapPost("/token", issuer.TokenAsync);
        await app.StartAsync();
        return issuer;
    }

    private string Issuer => Authority.ToString().TrimEnd('/');

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = $"{Issuer}/authorize",
        ["token_endpoint"] = $"{Issuer}/token",
        ["jwks_uri"] = $"{Issuer}/jwks",
        ["response_types_supported"] = s_code,
        ["subject_types_supported"] = s_public,
        ["id_token_signing_alg_values_supported"] = s_rs256,
        ["code_challenge_methods_supported"] = s_s256,
        ["scopes_supported"] = s_scopes,
    });

    private static readonly string[] s_code = ["code"], s_public = ["public"], s_rs256 = ["RS256"], s_s256 = ["S256"], s_scopes = ["openid", "profile"];

    private IResult Keys()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
        return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
    }

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256"
            || string.IsNullOrEmpty(q["code_challenge"]) || string.IsNullOrEmpty(q["redirect_uri"]))
        {
            return Results.BadRequest("invalid authorization request");
        }
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = new Grant(NextUser, q["redirect_uri"]!, q["nonce"], q["code_challenge"]!);
        var back = $"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}";
        return Results.Redirect(back);
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (clientId, secret) = ClientOf(request, form);
        if (clientId != ClientId || secret != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant)
            || grant.RedirectUri != form["redirect_uri"]
            || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.Challenge)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = grant.User.Subject,
            ["preferred_username"] = grant.User.Name,
            ["groups"] = grant.User.Groups,
        };
        if (grant.Nonce is not null)
        {
            claims["nonce"] = grant.Nonce;
        }
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
        TokensIssued++;
        return Results.Json(new { access_token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), token_type = "Bearer", expires_in = 300, id_token = idToken });
    }

    // client_secret_post or client_secret_basic: ASP.NET Core's handler posts them in the form.
    private static (string? Id, string? Secret) ClientOf(HttpRequest request, IFormCollection form)
    {
        var basic = request.Headers.Authorization.ToString();
        if (basic.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : null);
        }
        return (form["client_id"], form["client_secret"]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Rsa.Dispose();
    }

    /// <summary>Smail's settings for signing in at this provider.</summary>
    public Dictionary<string, string?> SmailSettings(string signUp = "approval", string? adminGroup = "smail-admins") => new()
    {
        ["Auth:Mode"] = "oidc",
        ["Auth:SignUp"] = signUp,
        ["Auth:Oidc:Authority"] = Issuer,
        ["Auth:Oidc:ClientId"] = ClientId,
        ["Auth:Oidc:ClientSecret"] = ClientSecret,
        ["Auth:Oidc:AdminGroup"] = adminGroup,
        ["Auth:Oidc:RequireHttpsMetadata"] = "false",
    };
}
