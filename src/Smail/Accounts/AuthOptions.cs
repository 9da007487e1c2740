using System.ComponentModel.DataAnnotations;

namespace Smail.Accounts;

/// <summary>The contract's authentication modes (<c>Auth:Mode</c>).</summary>
internal static class AuthModes
{
    public const string None = "none";
    public const string Local = "local";
    public const string Proxy = "proxy";
    public const string Oidc = "oidc";

    public static readonly IReadOnlyList<string> All = [None, Local, Proxy, Oidc];
}

/// <summary>The contract's sign-up policies (<c>Auth:SignUp</c>).</summary>
internal static class SignUpPolicies
{
    public const string Approval = "approval";
    public const string Open = "open";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [Approval, Open, Closed];
}

internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary><c>none</c> (the default, loopback only), <c>local</c>, <c>proxy</c> or <c>oidc</c>.</summary>
    public string Mode { get; set; } = AuthModes.None;

    /// <summary>Who may create an account in <c>local</c> mode: <c>approval</c>, <c>open</c> or <c>closed</c>.</summary>
    public string SignUp { get; set; } = SignUpPolicies.Approval;

    /// <summary>The header a trusted reverse proxy puts the signed-in user's name in (<c>proxy</c> mode).</summary>
    public string ProxyHeader { get; set; } = "Remote-User";

    /// <summary>The addresses or CIDR ranges the proxy header is believed from; from anywhere else it is ignored.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>A sign-in cookie lasts this long without use, and is renewed while in use.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan SessionIdle { get; set; } = TimeSpan.FromDays(14);

    /// <summary>However active, a sign-in ends this long after it began.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    public OidcOptions Oidc { get; set; } = new();

    public bool IsNone => Mode == AuthModes.None;
}

internal sealed class OidcOptions
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Members of this group (in the <c>groups</c> claim) are admins.</summary>
    public string? AdminGroup { get; set; }

    /// <summary>Only for a test issuer on plain HTTP; never in production.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>Per-user limits under an auth mode (<c>Limits:*</c>); the one person of <c>none</c> mode has none.</summary>
internal sealed class UserLimitOptions
{
    public const string Section = "Limits";

    [Range(1, 100_000)]
    public int MessagesPerMinute { get; set; } = 20;

    [Range(1, 10_000)]
    public int ConcurrentGenerations { get; set; } = 3;
}
