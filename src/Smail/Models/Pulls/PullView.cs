namespace Smail.Models.Pulls;

/// <summary>The states of a model's download (<c>GET /api/models/pulls</c>, and the change feed's <c>pull</c> events).</summary>
internal static class PullStates
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// One download as the page shows it: Ollama's status line, the bytes of every layer together, the speed over the last
/// seconds and the time left at that speed (null until it is known).
/// </summary>
internal sealed record PullView(
    string Id, string Model, string Upstream, string State, string Status, long Completed, long Total,
    double BytesPerSecond, double? SecondsLeft, string? Error, string? ErrorCode, DateTimeOffset StartedAt);

internal sealed record PullList(IReadOnlyList<PullView> Pulls);

internal sealed record PullRequest(string? Model);
