using System.Collections.Concurrent;

namespace Smail.Accounts;

/// <summary>
/// Ends the open requests of a credential the moment it stops being valid. Every authenticated request is
/// registered under its account and under its credential (one sign-in or one token); revoking either aborts
/// those requests, so an event stream, long poll or change feed opened before a sign-out, a disable or a
/// token's revocation ends at once instead of living on (Open WebUI CVE-2026-44553, AnythingLLM CVE-2026-32717).
/// </summary>
internal sealed class Revocations
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _sources = new();

    public static string ForAccount(string accountId) => "a:" + accountId;
    public static string ForSignIn(string signInId) => "s:" + signInId;
    public static string ForToken(string tokenId) => "t:" + tokenId;

    /// <summary>A request a trusted proxy vouched for: revoked only with its account.</summary>
    public static string ForProxy(string accountId) => "p:" + accountId;

    /// <summary>The sign-in a key of <see cref="ForSignIn"/> names; null for any other key.</summary>
    public static string? SignInOf(string key) => key.StartsWith("s:", StringComparison.Ordinal) ? key[2..] : null;

    /// <summary>The token a key of <see cref="ForToken"/> names; null for any other key.</summary>
    public static string? TokenOf(string key) => key.StartsWith("t:", StringComparison.Ordinal) ? key[2..] : null;

    /// <summary>Aborts <paramref name="context"/> when any of <paramref name="keys"/> is revoked; dispose when the request ends.</summary>
    public IDisposable Watch(HttpContext context, params ReadOnlySpan<string> keys)
    {
        var registrations = new List<CancellationTokenRegistration>(keys.Length);
        foreach (var key in keys)
        {
            registrations.Add(TokenFor(key).Register(static state => ((HttpContext)state!).Abort(), context));
        }
        return new Registrations(registrations);
    }

    /// <summary>Revoked for the requests open now; a credential issued later starts afresh.</summary>
    public void Revoke(string key)
    {
        if (_sources.TryRemove(key, out var source))
        {
            source.Cancel();
            source.Dispose();
        }
    }

    private CancellationToken TokenFor(string key)
    {
        while (true)
        {
            var source = _sources.GetOrAdd(key, _ => new CancellationTokenSource());
            try
            {
                return source.Token;
            }
            catch (ObjectDisposedException)
            {
                // Revoked between the lookup and here: the next lookup makes a new one.
                _sources.TryRemove(new KeyValuePair<string, CancellationTokenSource>(key, source));
            }
        }
    }

    private sealed class Registrations(List<CancellationTokenRegistration> registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }
}
