using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Smail.Accounts.Authentication;

/// <summary>
/// <c>Auth:Mode=proxy</c>: a reverse proxy that signs people in (oauth2-proxy, Authelia, Tailscale, Cloudflare
/// Access) names the user in <c>Auth:ProxyHeader</c>. The header is believed only on connections from
/// <c>Auth:TrustedProxies</c>; from anywhere else it is ignored and the request is anonymous. A name seen
/// for the first time becomes an account (the first one an admin) that an admin can disable like any other.
/// </summary>
internal sealed class ProxyHeaderHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IOptions<AuthOptions> auth, TrustedProxies trusted, AccountStore accounts, AuditLog audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "proxy";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Connection.RemoteIpAddress is not { } address || !trusted.Contains(address))
        {
            return AuthenticateResult.NoResult();
        }
        var name = Request.Headers[auth.Value.ProxyHeader].ToString().Trim();
        if (name.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }
        if (!Usernames.IsValid(name))
        {
            return AuthenticateResult.Fail("The proxy's user name is not a valid Smail user name.");
        }
        var account = accounts.FindByName(name);
        if (account is null)
        {
            account = await accounts.CreateAsync(name, passwordHash: null, AccountStatus.Active) ?? accounts.FindByName(name);
            if (account is not null)
            {
                audit.Record(AuditActions.SignUp, account, account, $"first request through the proxy from {address}");
            }
        }
        return account is null
            ? AuthenticateResult.Fail("The account could not be created.")
            : AuthenticateResult.Success(new AuthenticationTicket(SmailClaims.Principal(account, Revocations.ForProxy(account.Id), SchemeName), SchemeName));
    }
}

/// <summary><c>Auth:TrustedProxies</c>, parsed once: addresses and CIDR ranges.</summary>
internal sealed class TrustedProxies
{
    private readonly IReadOnlyList<IPNetwork> _networks;

    public TrustedProxies(IOptions<AuthOptions> options) => _networks = Parse(options.Value.TrustedProxies);

    public bool Contains(IPAddress address)
    {
        var mapped = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(mapped));
    }

    /// <summary>Throws with the setting's name for an entry that is neither an address nor a range.</summary>
    public static IReadOnlyList<IPNetwork> Parse(IEnumerable<string> entries) => [.. entries.Select(entry =>
        IPNetwork.TryParse(entry, out var network) ? network
        : IPAddress.TryParse(entry, out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8)
        : throw new InvalidOperationException($"Auth:TrustedProxies: '{entry}' is neither an IP address nor a CIDR range such as 10.0.0.0/8."))];
}
