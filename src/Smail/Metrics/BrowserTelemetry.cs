namespace Smail.Metrics;

/// <summary>What the page reports: measurements only it can make, and features it saw used.</summary>
internal sealed record BrowserTelemetry(IReadOnlyList<BrowserMeasurement>? Events);

/// <summary><c>name</c>: time_to_first_text (s), render_time (s), reconnect, or feature (with <c>feature</c>).</summary>
internal sealed record BrowserMeasurement(string? Name, double? Value, string? Feature);

/// <summary>An event of a batch that was not recorded: its position in the batch and why.</summary>
internal sealed record RejectedMeasurement(int Index, string Problem);

/// <summary>The answer to a batch: how many events were recorded, and which were not.</summary>
internal sealed record TelemetryReceipt(int Accepted, IReadOnlyList<RejectedMeasurement> Rejected);

internal static class BrowserTelemetryValidation
{
    public const int MaxEvents = 100;

    /// <summary>The batch's own problem (empty, too large), or null when its events can be checked one by one.</summary>
    public static string? CheckBatch(BrowserTelemetry telemetry) =>
        telemetry.Events is { Count: > 0 and <= MaxEvents } ? null : $"Send 1 to {MaxEvents} events.";

    /// <summary>The event's problem, or null when it can be recorded.</summary>
    public static string? Check(BrowserMeasurement e) => e.Name switch
    {
        "time_to_first_text" or "render_time" when e.Value is not (>= 0 and <= 600) => $"{e.Name} needs a value in seconds from 0 to 600.",
        "time_to_first_text" or "render_time" or "reconnect" => null,
        "feature" when e.Feature is null || !Features.FromBrowser.Contains(e.Feature) => $"Unknown feature '{Shorten(e.Feature)}'.",
        "feature" => null,
        _ => $"Unknown event '{Shorten(e.Name)}'.",
    };

    public static void Record(BrowserMeasurement e, SmailMetrics metrics)
    {
        switch (e.Name)
        {
            case "time_to_first_text": metrics.BrowserFirstText(e.Value!.Value); break;
            case "render_time": metrics.BrowserRender(e.Value!.Value); break;
            case "reconnect": metrics.BrowserReconnect(); break;
            case "feature": metrics.Used(e.Feature!); break;
        }
    }

    // A rejected name is echoed back, never in full: the page sent it, but it is still untrusted text.
    private static string? Shorten(string? text) => text is { Length: > 40 } ? text[..40] + "…" : text;
}
