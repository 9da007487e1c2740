using System.Diagnostics.Metrics;

namespace Smail.Metrics;

/// <summary>One time bucket of the dashboard: what happened in it, and the gauges at its end.</summary>
internal sealed record MetricsBucket(
    DateTimeOffset Start, int Generations, int Errors, int Retries, double? TimeToFirstChunkP50, double? TimeToFirstChunkP95,
    double? TokensPerSecond, long ActiveGenerations, long Connections);

internal sealed record MetricsTotals(
    long Generations, long Errors, long Retries, long Recoveries, long Drops, long MessagesSent, long Stops, long MemoryBytes);

/// <summary>One upstream's counts since start, from the metrics' <c>upstream</c> tag.</summary>
internal sealed record UpstreamTotals(string Name, long Generations, long Errors, long Retries);

internal sealed record MetricsHistoryView(int BucketSeconds, IReadOnlyList<MetricsBucket> Buckets, MetricsTotals Totals)
{
    public IReadOnlyList<UpstreamTotals> Upstreams { get; init; } = [];

    /// <summary>With Redis: every instance's counts added up, and each live instance now (<see cref="Redis.ClusterMetrics"/>).</summary>
    public ClusterView? Cluster { get; init; }
}

/// <summary>One instance's counts since it started, and its gauges now.</summary>
internal sealed record InstanceMetrics(MetricsTotals Totals, long ActiveGenerations, long Connections);

/// <summary>
/// The whole cluster: the counts of every instance that ever reported (kept in Redis, so an instance's restart does
/// not take its answers out of them) since <see cref="Since"/>, and the instances that reported lately.
/// </summary>
internal sealed record ClusterView(DateTimeOffset Since, MetricsTotals Totals, IReadOnlyList<ClusterInstance> Instances)
{
    /// <summary>Null when Redis answered; its reason when the cluster's figures could not be read now.</summary>
    public string? Error { get; init; }
}

/// <summary>A live instance as it last reported: its answers running and streams attached now, and its memory.</summary>
internal sealed record ClusterInstance(string Name, long ActiveGenerations, long Connections, long MemoryBytes, DateTimeOffset SeenAt);

/// <summary>
/// The dashboard's source: listens to Smail's own instruments (the same measurements /metrics exports)
/// and keeps the last 15 minutes in 5-second buckets, so the page can chart percentiles and rates.
/// A hosted service only so that it exists, and listens, from start-up on.
/// </summary>
internal sealed class MetricsHistory : IHostedService, IDisposable
{
    public const int BucketSeconds = 5;
    private const int Buckets = 180;

    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Queue<Bucket> _buckets = new();
    private Bucket? _last;
    private long _active, _connections, _generations, _errors, _retries, _recoveries, _drops, _messages, _stops;
    // Keyed by the upstream tag, whose values come from configuration: bounded.
    private readonly SortedDictionary<string, (long Generations, long Errors, long Retries)> _upstreams = new(StringComparer.Ordinal);

    private static readonly HashSet<string> s_charted =
    [
        MetricNames.TimeToFirstChunk, MetricNames.TokensPerSecond, MetricNames.GenerationDuration,
        MetricNames.Errors, MetricNames.Retries, MetricNames.Recoveries, MetricNames.Drops,
        MetricNames.ActiveGenerations, MetricNames.Connections, MetricNames.FeatureUsage,
    ];

    public MetricsHistory(TimeProvider time, IMeterFactory meters)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this app's meter (another host in the same process, in tests, has its own factory), and only
            // the instruments the dashboard charts: per-chunk ones would cost a callback per chunk for nothing.
            if (instrument.Meter.Name == SmailMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meters)
                && s_charted.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.Start();
    }

    public MetricsHistoryView Read()
    {
        lock (_lock)
        {
            Current();
            var buckets = _buckets.Select(b => new MetricsBucket(
                b.Start, b.Generations, b.Errors, b.Retries, Percentile(b.FirstChunks, 0.50), Percentile(b.FirstChunks, 0.95),
                b.Speeds.Count == 0 ? null : b.Speeds.Average(), b.Active, b.Connections)).ToList();
            return new MetricsHistoryView(BucketSeconds, buckets,
                new MetricsTotals(_generations, _errors, _retries, _recoveries, _drops, _messages, _stops, Environment.WorkingSet))
            {
                Upstreams = [.. _upstreams.Select(u => new UpstreamTotals(u.Key, u.Value.Generations, u.Value.Errors, u.Value.Retries))],
            };
        }
    }

    /// <summary>The counts since start and the gauges now, for the cluster's totals (<see cref="Redis.ClusterMetrics"/>).</summary>
    public InstanceMetrics Now()
    {
        lock (_lock)
        {
            return new InstanceMetrics(new MetricsTotals(_generations, _errors, _retries, _recoveries, _drops, _messages, _stops, Environment.WorkingSet),
                _active, _connections);
        }
    }

    private void OnMeasurement(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var feature = Tag(tags, "feature");
        var outcome = Tag(tags, "outcome");
        var upstream = Tag(tags, "upstream");
        lock (_lock)
        {
            var bucket = Current();
            if (upstream is not null && name is MetricNames.GenerationDuration or MetricNames.Errors or MetricNames.Retries)
            {
                var (generations, errors, retries) = _upstreams.GetValueOrDefault(upstream);
                _upstreams[upstream] = name switch
                {
                    MetricNames.GenerationDuration => (generations + 1, errors, retries),
                    MetricNames.Errors => (generations, errors + 1, retries),
                    _ => (generations, errors, retries + 1),
                };
            }
            switch (name)
            {
                case MetricNames.TimeToFirstChunk: bucket.FirstChunks.Add(value); break;
                case MetricNames.TokensPerSecond: bucket.Speeds.Add(value); break;
                case MetricNames.GenerationDuration: bucket.Generations++; _generations++; break;
                case MetricNames.Errors: bucket.Errors++; _errors++; break;
                case MetricNames.Retries: bucket.Retries++; _retries++; break;
                case MetricNames.Recoveries when outcome == "success": _recoveries++; break;
                case MetricNames.Drops: _drops++; break;
                case MetricNames.ActiveGenerations: _active += (long)value; break;
                case MetricNames.Connections: _connections += (long)value; break;
                case MetricNames.FeatureUsage when feature == Features.MessageSent: _messages++; break;
                case MetricNames.FeatureUsage when feature == Features.Stop: _stops++; break;
            }
            bucket.Active = _active;
            bucket.Connections = _connections;
        }
    }

    // The bucket for now; opens empty buckets for quiet periods so the time axis has no holes.
    private Bucket Current()
    {
        var now = _time.GetUtcNow();
        var start = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / BucketSeconds * BucketSeconds);
        if (_last is null)
        {
            _last = new Bucket(start);
            _buckets.Enqueue(_last);
        }
        while (_last.Start < start)
        {
            _last = new Bucket(_last.Start.AddSeconds(BucketSeconds)) { Active = _active, Connections = _connections };
            _buckets.Enqueue(_last);
            if (_buckets.Count > Buckets)
            {
                _buckets.Dequeue();
            }
        }
        return _last;
    }

    private static double? Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }
        return null;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private sealed class Bucket(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public List<double> FirstChunks { get; } = [];
        public List<double> Speeds { get; } = [];
        public int Generations { get; set; }
        public int Errors { get; set; }
        public int Retries { get; set; }
        public long Active { get; set; }
        public long Connections { get; set; }
    }
}
