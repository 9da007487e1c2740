using System.Diagnostics.Metrics;

namespace Smail.Metrics;

/// <summary>
/// Smail's instruments, on one Meter named for it. Tags stay low-cardinality: reasons and outcomes are
/// fixed codes, never ids.
/// </summary>
internal sealed class SmailMetrics
{
    public const string MeterName = "Smail";

    private readonly Counter<long> _retries;
    private readonly Counter<long> _recoveries;

    public SmailMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _retries = meter.CreateCounter<long>("smail.upstream.retries", "{retry}", "Upstream attempts retried, by the failure that caused them.");
        _recoveries = meter.CreateCounter<long>("smail.generation.recoveries", "{generation}", "Answers that needed retries, by whether they recovered.");
    }

    public void Retried(string reason) => _retries.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Recovered(bool success) => _recoveries.Add(1, new KeyValuePair<string, object?>("outcome", success ? "success" : "failure"));
}
