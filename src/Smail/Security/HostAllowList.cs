namespace Smail.Security;

/// <summary>
/// The host names Smail answers to, exactly: a request whose <c>Host</c> is any other name gets 400 before
/// anything else runs. That is what closes DNS rebinding: a page on attacker.example that points its name at
/// 127.0.0.1 still sends <c>Host: attacker.example</c>. Loopback names and the machine's own name are always
/// allowed; <c>AllowedHosts</c> (<c>;</c>-separated) adds more. Wildcards and suffix rules are refused at
/// start: Ollama's suffix rules (CVE-2024-28224's fix) were bypassed.
/// </summary>
internal static class HostAllowList
{
    public const string Setting = "AllowedHosts";

    public static IReadOnlyList<string> Defaults => ["localhost", "127.0.0.1", "[::1]", Environment.MachineName.ToLowerInvariant()];

    /// <summary>The defaults plus the configured names; throws when a configured entry is not an exact host name.</summary>
    public static IReadOnlyList<string> From(string? configured)
    {
        var extra = (configured ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var host in extra)
        {
            if (host.Contains('*') || host.StartsWith('.') || host.Contains('/') || host.Contains(':') && !host.StartsWith('['))
            {
                throw new InvalidOperationException(
                    $"{Setting} lists \"{host}\": list exact host names only (no '*', no leading '.', no port or scheme), separated by ';'. " +
                    "Loopback names and this machine's name are always allowed.");
            }
        }
        return [.. Defaults.Concat(extra.Select(h => h.ToLowerInvariant())).Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}
