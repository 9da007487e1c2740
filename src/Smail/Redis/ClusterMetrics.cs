using System.Globalization;
using Smail.Metrics;
using StackExchange.Redis;

namespace Smail.Redis;

/// <summary>
/// The dashboard's whole-cluster figures, kept in Redis. Every <see cref="ReportInterval"/> each instance adds what
/// it counted since its last report to the shared totals (<c>HINCRBY</c>, so an instance that restarts or dies does not
/// take its answers out of them) and writes its gauges under its name. Any instance reads them all back: the counts,
/// and the instances heard from within <see cref="Silence"/>. An instance that stops says goodbye; one that dies drops
/// out once it has been silent that long. A report is a few commands per instance every two seconds, whatever the
/// traffic: nothing per answer or per token.
/// </summary>
internal sealed partial class ClusterMetrics(
    IConnectionMultiplexer redis, MetricsHistory history, IConfiguration configuration, TimeProvider time, ILogger<ClusterMetrics> logger)
    : BackgroundService
{
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Silence = TimeSpan.FromSeconds(10);

    private const string TotalsKey = "smail:metrics:totals";
    private const string InstancesKey = "smail:metrics:instances";
    private const string SinceField = "since";

    // The totals' fields in Redis, with how each is read from and put into MetricsTotals.
    private static readonly (string Field, Func<MetricsTotals, long> Of)[] s_counts =
    [
        ("generations", t => t.Generations), ("errors", t => t.Errors), ("retries", t => t.Retries), ("recoveries", t => t.Recoveries),
        ("drops", t => t.Drops), ("messagesSent", t => t.MessagesSent), ("stops", t => t.Stops),
    ];

    private readonly string _instance = Health.InstanceIdentity.Of(configuration);
    private MetricsTotals _reported = new(0, 0, 0, 0, 0, 0, 0, 0);
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReportInterval, time);
        do
        {
            await ReportAsync();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The last counts go in, and the instance leaves the list at once instead of after its silence.
        await ReportAsync();
        try
        {
            await redis.GetDatabase().HashDeleteAsync(InstancesKey, _instance);
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is ObjectDisposedException)
        {
            // It drops out after its silence.
        }
    }

    /// <summary>Adds what this instance counted since its last report, and writes its gauges now.</summary>
    public async Task ReportAsync()
    {
        var now = history.Now();
        try
        {
            var batch = redis.GetDatabase().CreateBatch();
            var writes = new List<Task>();
            foreach (var (field, of) in s_counts)
            {
                if (of(now.Totals) - of(_reported) is var added and not 0)
                {
                    writes.Add(batch.HashIncrementAsync(TotalsKey, field, added));
                }
            }
            var at = time.GetUtcNow();
            writes.Add(batch.HashSetAsync(TotalsKey, SinceField, at.ToUnixTimeMilliseconds(), When.NotExists));
            writes.Add(batch.HashSetAsync(InstancesKey, _instance, string.Join(',',
                now.ActiveGenerations, now.Connections, now.Totals.MemoryBytes, at.ToUnixTimeMilliseconds())));
            batch.Execute();
            await Task.WhenAll(writes);
            _reported = now.Totals;
            _failing = false;
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is ObjectDisposedException)
        {
            // What was not added stays counted here, and goes in with the next report that gets through. A batch
            // half applied adds its part again: a count may run over by one report, never under.
            if (!_failing)
            {
                LogReportFailed(ex.Message);
            }
            _failing = true;
        }
    }

    /// <summary>The cluster's totals and live instances; with <see cref="ClusterView.Error"/> when Redis cannot be read now.</summary>
    public async Task<ClusterView> ReadAsync()
    {
        try
        {
            var database = redis.GetDatabase();
            var totals = (await database.HashGetAllAsync(TotalsKey)).ToDictionary(e => e.Name.ToString(), e => (long)e.Value);
            var cutoff = time.GetUtcNow() - Silence;
            var instances = new List<ClusterInstance>();
            foreach (var entry in await database.HashGetAllAsync(InstancesKey))
            {
                if (Parse(entry.Name.ToString(), entry.Value.ToString()) is { } instance && instance.SeenAt >= cutoff)
                {
                    instances.Add(instance);
                }
                else
                {
                    // Silent too long: it died. The next reader need not look at it again.
                    _ = database.HashDeleteAsync(InstancesKey, entry.Name, CommandFlags.FireAndForget);
                }
            }
            long Count(string field) => totals.GetValueOrDefault(field);
            return new ClusterView(
                DateTimeOffset.FromUnixTimeMilliseconds(totals.GetValueOrDefault(SinceField, time.GetUtcNow().ToUnixTimeMilliseconds())),
                new MetricsTotals(Count("generations"), Count("errors"), Count("retries"), Count("recoveries"), Count("drops"),
                    Count("messagesSent"), Count("stops"), instances.Sum(i => i.MemoryBytes)),
                [.. instances.OrderBy(i => i.Name, StringComparer.Ordinal)]);
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            return new ClusterView(time.GetUtcNow(), new MetricsTotals(0, 0, 0, 0, 0, 0, 0, 0), [])
            {
                Error = $"The cluster's figures are kept in Redis, which cannot be reached now ({ex.GetType().Name}).",
            };
        }
    }

    // "active,connections,memory,seen" as written above; anything else (written by hand, or by another version) is skipped.
    private static ClusterInstance? Parse(string name, string value)
    {
        var parts = value.Split(',');
        return parts.Length == 4 && parts.All(p => long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            ? new ClusterInstance(name, long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture),
                long.Parse(parts[2], CultureInfo.InvariantCulture), DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[3], CultureInfo.InvariantCulture)))
            : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not add this instance's figures to the cluster's in Redis ({Reason}); they go with the next report")]
    private partial void LogReportFailed(string reason);
}
