using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Problems;

namespace Smail.Metrics;

internal static class MetricsApi
{
    public const string TelemetryRateLimit = "browser-telemetry";

    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        // Prometheus text exposition of Smail's meter, ASP.NET Core, HttpClient and the runtime.
        app.MapPrometheusScrapingEndpoint("/metrics");

        var group = app.MapGroup("/api").WithTags("Metrics");
        group.MapGet("/metrics/history", History);
        group.MapPost("/telemetry", Report).RequireRateLimiting(TelemetryRateLimit);

        // The live dashboard: a static page that charts /api/metrics/history.
        app.MapGet("/dashboard", (IWebHostEnvironment environment) =>
            TypedResults.PhysicalFile(Path.Combine(environment.WebRootPath, "dashboard.html"), "text/html; charset=utf-8"));
        return app;
    }

    public static Ok<MetricsHistoryView> History(MetricsHistory history) => TypedResults.Ok(history.Read());

    /// <summary>Measurements from the page. Validated whole: one bad event refuses the batch, so nothing is half-counted.</summary>
    public static Results<Accepted, ProblemHttpResult> Report(BrowserTelemetry telemetry, SmailMetrics metrics)
    {
        if (BrowserTelemetryValidation.Check(telemetry) is { } problem)
        {
            return ApiProblems.Invalid("invalid_telemetry", problem);
        }
        BrowserTelemetryValidation.Record(telemetry, metrics);
        return TypedResults.Accepted((string?)null);
    }
}
