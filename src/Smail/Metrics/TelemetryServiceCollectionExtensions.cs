using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Smail.Metrics;

internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Smail's meter and traces through OpenTelemetry: Prometheus at /metrics always; OTLP for metrics,
    /// traces and logs as soon as OTEL_EXPORTER_OTLP_ENDPOINT is configured, with no code change.
    /// </summary>
    public static WebApplicationBuilder AddSmailTelemetry(this WebApplicationBuilder builder)
    {
        var instance = Health.InstanceIdentity.Of(builder.Configuration);
        if (Health.InstanceIdentity.IsOneOfMany(builder.Configuration))
        {
            // Several instances' lines side by side in one journal or collector: each says whose it is.
            builder.Logging.AddConsoleFormatter<InstanceConsoleFormatter, InstanceConsoleFormatterOptions>(options =>
            {
                options.Instance = instance;
                options.IncludeScopes = builder.Configuration.GetValue("Logging:Console:IncludeScopes", true);
            });
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options => options.FormatterName = InstanceConsoleFormatter.FormatterName);
        }
        builder.Services.AddSingleton<SmailMetrics>();
        builder.Services.AddSingleton<MetricsHistory>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MetricsHistory>());
        var otel = builder.Services.AddOpenTelemetry()
            // The instance is on every export (Prometheus's target_info, OTLP's resource), so a cluster's series part by instance.
            .ConfigureResource(resource => resource.AddService("smail", serviceInstanceId: instance))
            .WithMetrics(metrics => metrics
                .AddMeter(SmailMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Traces only when there is somewhere to send them: without an exporter, every request's and every
            // upstream call's activities would be made, filled in and dropped.
            otel.WithTracing(tracing => tracing
                    .AddSource(SmailMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }

        // The page reports a little now and then; more than this from one address is not a page.
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(MetricsApi.TelemetryRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return builder;
    }
}
