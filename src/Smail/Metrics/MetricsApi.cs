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
            TypedResults.PhysicalFile(Path.Combine(environment.WebRootPath, "dashboard.html"), "text/html; charset=utf-8"))
            // The page itself holds nothing; the data it reads needs a signed-in user.
            .AllowAnonymous();
        return app;
    }

    /// <summary>This instance's charts and totals; with Redis, the whole cluster's totals and instances beside them.</summary>
    public static async Task<Ok<MetricsHistoryView>> History(MetricsHistory history, IServiceProvider services) =>
        TypedResults.Ok(services.GetService<Redis.ClusterMetrics>() is { } cluster
            ? history.Read() with { Cluster = await cluster.ReadAsync() }
            : history.Read());

    /// <summary>
    /// Measurements from the page. Each event is checked on its own: the good ones are recorded, the receipt
    /// names the rejected ones. A batch with nothing to record is a 400 with the same list.
    /// </summary>
    public static Results<Accepted<TelemetryReceipt>, ProblemHttpResult> Report(BrowserTelemetry telemetry, SmailMetrics metrics)
    {
        if (BrowserTelemetryValidation.CheckBatch(telemetry) is { } problem)
        {
            return ApiProblems.Invalid("invalid_telemetry", problem);
        }
        var rejected = new List<RejectedMeasurement>();
        var good = new List<BrowserMeasurement>();
        foreach (var (e, index) in telemetry.Events!.Select((e, i) => (e, i)))
        {
            if (BrowserTelemetryValidation.Check(e) is { } reason)
            {
                rejected.Add(new RejectedMeasurement(index, reason));
            }
            else
            {
                good.Add(e);
            }
        }
        if (good.Count == 0)
        {
            return TypedResults.Problem(detail: rejected[0].Problem + (rejected.Count > 1 ? $" (and {rejected.Count - 1} more)" : ""),
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["code"] = "invalid_telemetry", ["rejected"] = rejected });
        }
        foreach (var e in good)
        {
            BrowserTelemetryValidation.Record(e, metrics);
        }
        return TypedResults.Accepted((string?)null, new TelemetryReceipt(good.Count, rejected));
    }
}
