namespace Smail.Metrics;

/// <summary>What the page reports: measurements only it can make, and features it saw used.</summary>
internal sealed record BrowserTelemetry(IReadOnlyList<BrowserMeasurement>? Events);

/// <summary><c>name</c>: time_to_first_text (s), render_time (s), reconnect, or feature (with <c>feature</c>).</summary>
internal sealed record BrowserMeasurement(string? Name, double? Value, string? Feature);

internal static class BrowserTelemetryValidation
{
    public const int MaxEvents = 100;

    /// <summary>Checks every event; returns the first problem, or null when all can be recorded.</summary>
    public static string? Check(BrowserTelemetry telemetry)
    {
        if (telemetry.Events is not { Count: > 0 and <= MaxEvents } events)
        {
            return $"Send 1 to {MaxEvents} events.";
        }
        foreach (var e in events)
        {
            var problem = e.Name switch
            {
                "time_to_first_text" or "render_time" when e.Value is not (>= 0 and <= 600) => $"{e.Name} needs a value in seconds from 0 to 600.",
                "time_to_first_text" or "render_time" or "reconnect" => null,
                "feature" when e.Feature is null || !Features.FromBrowser.Contains(e.Feature) => $"Unknown feature '{e.Feature}'.",
                "feature" => null,
                _ => $"Unknown event '{e.Name}'.",
            };
            if (problem is not null)
            {
                return problem;
            }
        }
        return null;
    }

    public static void Record(BrowserTelemetry telemetry, SmailMetrics metrics)
    {
        foreach (var e in telemetry.Events!)
        {
            switch (e.Name)
            {
                case "time_to_first_text": metrics.BrowserFirstText(e.Value!.Value); break;
                case "render_time": metrics.BrowserRender(e.Value!.Value); break;
                case "reconnect": metrics.BrowserReconnect(); break;
                case "feature": metrics.Used(e.Feature!); break;
            }
        }
    }
}
