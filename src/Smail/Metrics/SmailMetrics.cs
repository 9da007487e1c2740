using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Smail.Metrics;

/// <summary>
/// Every number the ADR lists, as instruments on one Meter named for Smail (OpenTelemetry naming: dotted
/// names, units, seconds for durations). Tags stay low-cardinality: models, fixed codes and outcomes,
/// never a conversation or generation id.
/// </summary>
internal sealed class SmailMetrics
{
    public const string MeterName = "Smail";
    public static readonly ActivitySource Traces = new(MeterName);

    private readonly Histogram<double> _timeToFirstChunk;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _tokensPerSecond;
    private readonly Histogram<double> _chunkDelivery;
    private readonly UpDownCounter<long> _activeGenerations;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _recoveries;
    private readonly Counter<long> _drops;
    private readonly Counter<long> _features;
    private readonly Histogram<double> _browserFirstText;
    private readonly Histogram<double> _browserRender;
    private readonly Counter<long> _browserReconnects;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _models = new(StringComparer.Ordinal);

    private const int MaxModels = 64;

    // Bucket boundaries that fit each quantity (the SDK's defaults are for milliseconds).
    private static readonly InstrumentAdvice<double> s_responseSeconds = new()
    {
        HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 30, 60, 120, 300],
    };
    private static readonly InstrumentAdvice<double> s_deliverySeconds = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    };
    private static readonly InstrumentAdvice<double> s_tokensPerSecond = new()
    {
        HistogramBucketBoundaries = [1, 2, 5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 500],
    };

    public SmailMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _timeToFirstChunk = meter.CreateHistogram(MetricNames.TimeToFirstChunk, "s",
            "From the start of an answer's upstream request to its first token written to listeners.", advice: s_responseSeconds);
        _duration = meter.CreateHistogram(MetricNames.GenerationDuration, "s", "Total response time of an answer, by outcome.", advice: s_responseSeconds);
        _tokensPerSecond = meter.CreateHistogram(MetricNames.TokensPerSecond, "{token}/s",
            "Generation speed of each completed answer.", advice: s_tokensPerSecond);
        _chunkDelivery = meter.CreateHistogram(MetricNames.ChunkDelivery, "s",
            "From a token's arrival from the upstream to its write to a listener's socket.", advice: s_deliverySeconds);
        _activeGenerations = meter.CreateUpDownCounter<long>(MetricNames.ActiveGenerations, "{generation}", "Answers being written now.");
        _connections = meter.CreateUpDownCounter<long>(MetricNames.Connections, "{connection}", "Attached event-stream listeners.");
        meter.CreateObservableGauge(MetricNames.ProcessMemory, () => Environment.WorkingSet, "By", "Resident memory of the Smail process.");
        _errors = meter.CreateCounter<long>(MetricNames.Errors, "{error}", "Answers that ended in an error, by stable code.");
        _retries = meter.CreateCounter<long>(MetricNames.Retries, "{retry}", "Upstream attempts retried, by the failure that caused them.");
        _recoveries = meter.CreateCounter<long>(MetricNames.Recoveries, "{generation}", "Answers that needed retries, by whether they recovered.");
        _drops = meter.CreateCounter<long>(MetricNames.Drops, "{connection}", "Listeners gone before their answer ended.");
        _features = meter.CreateCounter<long>(MetricNames.FeatureUsage, "{use}", "What people use, by feature.");
        _browserFirstText = meter.CreateHistogram(MetricNames.BrowserTimeToFirstText, "s",
            "Reported by the page: send to first visible text.", advice: s_responseSeconds);
        _browserRender = meter.CreateHistogram(MetricNames.BrowserRenderTime, "s",
            "Reported by the page: main-thread time to render one chunk.", advice: s_deliverySeconds);
        _browserReconnects = meter.CreateCounter<long>(MetricNames.BrowserReconnects, "{reconnect}", "Reported by the page: event-stream reconnects.");
    }

    public void GenerationStarted() => _activeGenerations.Add(1);

    public void FirstChunk(string model, string upstream, TimeSpan elapsed) =>
        _timeToFirstChunk.Record(elapsed.TotalSeconds, Model(model, served: true), Upstream(upstream));

    /// <summary>
    /// An answer ended: <paramref name="outcome"/> is its stored status; errors also count by code. A model the
    /// upstream never answered for is counted as "unknown": a request may name any model, the tag may not.
    /// </summary>
    public void GenerationEnded(string model, string upstream, bool served, string outcome, TimeSpan duration, double tokensPerSecond, string? errorCode)
    {
        _activeGenerations.Add(-1);
        _duration.Record(duration.TotalSeconds, Model(model, served), Upstream(upstream), new("outcome", outcome));
        if (tokensPerSecond > 0)
        {
            _tokensPerSecond.Record(tokensPerSecond, Model(model, served), Upstream(upstream));
        }
        if (errorCode is not null)
        {
            _errors.Add(1, new KeyValuePair<string, object?>("code", errorCode), Upstream(upstream));
        }
    }

    public void ChunkDelivered(TimeSpan elapsed) => _chunkDelivery.Record(elapsed.TotalSeconds);

    public void ListenerAttached() => _connections.Add(1);

    public void ListenerDetached(bool beforeEnd)
    {
        _connections.Add(-1);
        if (beforeEnd)
        {
            _drops.Add(1);
        }
    }

    public void Retried(string reason, string upstream) => _retries.Add(1, new KeyValuePair<string, object?>("reason", reason), Upstream(upstream));

    public void Recovered(bool success, string upstream) =>
        _recoveries.Add(1, new KeyValuePair<string, object?>("outcome", success ? "success" : "failure"), Upstream(upstream));

    public void Used(string feature) => _features.Add(1, new KeyValuePair<string, object?>("feature", feature));

    public void BrowserFirstText(double seconds) => _browserFirstText.Record(seconds);

    public void BrowserRender(double seconds) => _browserRender.Record(seconds);

    public void BrowserReconnect() => _browserReconnects.Add(1);

    /// <summary>
    /// The model as a tag, for models an upstream has served: at most <see cref="MaxModels"/> of them, and any
    /// beyond as "other", so neither a typo nor a hostile client can grow the series without end.
    /// </summary>
    private KeyValuePair<string, object?> Model(string model, bool served)
    {
        if (!served)
        {
            return new("model", "unknown");
        }
        if (!_models.ContainsKey(model) && (_models.Count >= MaxModels || !_models.TryAdd(model, 0)))
        {
            return new("model", "other");
        }
        return new("model", model);
    }

    /// <summary>Upstream names come from configuration, so their number is bounded by it.</summary>
    private static KeyValuePair<string, object?> Upstream(string upstream) => new("upstream", upstream);
}

/// <summary>The features counted in <c>smail.feature.usage</c>: a fixed list, so the tag stays bounded.</summary>
internal static class Features
{
    public const string MessageSent = "message_sent";
    public const string Stop = "stop";
    public const string Regenerate = "regenerate";
    public const string Edit = "edit";
    public const string BranchSelected = "branch_selected";
    public const string FileAttached = "file_attached";
    public const string Continue = "continue";
    public const string Resume = "resume";
    public const string LongPoll = "long_poll";

    /// <summary>What the page may report; anything else is refused.</summary>
    public static readonly IReadOnlySet<string> FromBrowser = new HashSet<string>(StringComparer.Ordinal)
    {
        "copy_message", "copy_code", "search", "rename", "delete", "undo_delete", "settings", "new_chat", "open_chat",
        "theme_dark", "theme_light", "jump_to_latest", "load_image", "phone_layout", "export_chat", "import_chats",
    };
}
