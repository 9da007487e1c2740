using System.Net;

namespace Smail.Accounts;

/// <summary>
/// <c>Auth:Mode=none</c> gives everything to whoever connects, so it is allowed only when Smail listens on
/// loopback alone. The addresses are read from the same settings Kestrel binds from (<c>urls</c>, which
/// <c>--urls</c> and <c>ASPNETCORE_URLS</c> set; <c>http_ports</c>/<c>https_ports</c>, which bind every
/// interface; <c>Kestrel:Endpoints</c>), before anything is bound.
/// </summary>
internal static class LoopbackOnly
{
    /// <summary>Throws, naming <c>Auth:Mode</c>, when <c>none</c> would listen beyond loopback.</summary>
    public static void Check(IConfiguration configuration, AuthOptions options)
    {
        if (!options.IsNone)
        {
            return;
        }
        var exposed = ExposedAddresses(configuration).ToList();
        if (exposed.Count > 0)
        {
            throw new InvalidOperationException(
                $"Smail would listen on {string.Join(", ", exposed)}, beyond this machine, with Auth:Mode=none, where anyone who connects " +
                "can read and delete every conversation. Set Auth:Mode to local (accounts with passwords), proxy or oidc, " +
                "or listen on loopback only (--urls http://127.0.0.1:5000).");
        }
    }

    public static IEnumerable<string> ExposedAddresses(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        foreach (var url in urls)
        {
            if (!IsLoopback(url))
            {
                yield return url;
            }
        }
        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            if (!string.IsNullOrWhiteSpace(configuration[key]))
            {
                yield return $"{key}={configuration[key]} (every interface)";
            }
        }
    }

    public static bool IsLoopback(string url)
    {
        // Kestrel's wildcards are not URIs: http://*:5000, http://+:5000.
        var afterScheme = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        if (afterScheme.StartsWith('*') || afterScheme.StartsWith('+'))
        {
            return false;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }
        if (uri.Scheme == "unix")
        {
            return true; // A socket file is reached only through the file system.
        }
        return string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
