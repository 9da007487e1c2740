using System.Threading.RateLimiting;

namespace Smail.Accounts;

/// <summary>
/// At most 10 failed sign-ins per account name in any 15 minutes (a sliding window in 1-minute segments, from
/// System.Threading.RateLimiting). Counted per name, existing or not, so a password guesser learns nothing
/// about which names exist, and one person's typos do not lock out anyone else.
/// </summary>
internal sealed class SignInThrottle : IDisposable
{
    public const int Failures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(name =>
        RateLimitPartition.GetSlidingWindowLimiter(name, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Failures,
            Window = Window,
            SegmentsPerWindow = 15,
            QueueLimit = 0,
        }), StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when the name may try again; otherwise how long until it may.</summary>
    public TimeSpan? Blocked(string username)
    {
        using var probe = _failures.AttemptAcquire(username, 0);
        return probe.IsAcquired ? null
            : probe.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    public void Failed(string username)
    {
        using var _ = _failures.AttemptAcquire(username, 1);
    }

    public void Dispose() => _failures.Dispose();
}
