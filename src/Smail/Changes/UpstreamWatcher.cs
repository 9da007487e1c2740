using Microsoft.Extensions.Options;
using Smail.Health;
using Smail.Upstreams;

namespace Smail.Changes;

internal sealed class ChangesOptions
{
    public const string Section = "Changes";

    /// <summary>How often the model server is asked whether it is there, so pages learn of an outage, and its end, by themselves.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Watches every model server's reachability and tells the change feed when it changes.</summary>
internal sealed class UpstreamWatcher(RoutingUpstream upstreams, ChangeFeed feed, IOptions<ChangesOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HealthInterval);
        do
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            // At least 3 s: a cold first connection, or a busy machine, is not an outage.
            attempt.CancelAfter(TimeSpan.FromTicks(Math.Max(options.Value.HealthInterval.Ticks, TimeSpan.FromSeconds(3).Ticks)));
            var each = await UpstreamHealth.CheckEachAsync(upstreams, attempt.Token);
            stoppingToken.ThrowIfCancellationRequested();
            var overall = UpstreamHealth.Overall(each);
            feed.HealthChanged(new HealthChange(overall.Reachable, overall.Error)
            {
                Upstreams = [.. each.Select(u => new UpstreamReachability(u.Name, u.Reachable, u.Error))],
            });
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
