using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.DependencyInjection;
using Smail.Ollama;
using Smail.Upstreams;

namespace Smail.Resilience;

/// <summary>
/// The Polly pipelines answers run their upstream attempts through, one per upstream: retries with exponential
/// backoff and jitter for failures that can pass (refused, 5xx, busy, timeouts, resets, error lines, stalls),
/// and a circuit breaker shared by all answers to that upstream, so one that is down is not hammered and the
/// others are not blamed for it. Polly's metrics name the pipeline, so they carry the upstream too.
/// </summary>
internal static class UpstreamResilience
{
    /// <summary>The pipeline of the upstream named <paramref name="upstream"/>.</summary>
    public static string PipelineKeyOf(string upstream) => "upstream:" + upstream;

    /// <summary>Told of each retry before its delay: the attempt about to be made, the delay, and why.</summary>
    public static readonly ResiliencePropertyKey<Action<int, TimeSpan, UpstreamException>> OnRetryKey = new("smail.on-retry");

    public static IServiceCollection AddUpstreamResilience(this IServiceCollection services)
    {
        services.AddOptions<ResilienceOptions>().BindConfiguration(ResilienceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddResiliencePipelines<string>(pipelines =>
        {
            foreach (var upstream in pipelines.ServiceProvider.GetRequiredService<RoutingUpstream>().Upstreams)
            {
                pipelines.AddResiliencePipeline(PipelineKeyOf(upstream.Name), Configure);
            }
        });
        return services;
    }

    private static void Configure(ResiliencePipelineBuilder builder, AddResiliencePipelineContext<string> context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<ResilienceOptions>>().Value;
        // Polly's own log lines carry a stack trace per attempt, even for an expected failure such as a
        // missing model; the runner logs one warning line per retry and per failure instead. Metrics stay.
        builder.ConfigureTelemetry(new TelemetryOptions { LoggerFactory = NullLoggerFactory.Instance });
        var transient = new PredicateBuilder().Handle<UpstreamException>(e => e.Retryable);
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // An upstream that says when to come back (429 or 503 with Retry-After) is taken at its word, up to a
                // minute; otherwise the backoff above.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is UpstreamException { RetryAfter: { } wait }
                    ? (TimeSpan?)(wait < RetryAfterHeader.Longest ? wait : RetryAfterHeader.Longest)
                    : null),
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is UpstreamException reason && args.Context.Properties.TryGetValue(OnRetryKey, out var onRetry))
                    {
                        onRetry(args.AttemptNumber + 2, args.RetryDelay, reason);
                    }
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = transient,
            FailureRatio = 1.0,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
        });
    }

    /// <summary>What an open circuit means to a person.</summary>
    public static UpstreamException CircuitOpen(string upstream, BrokenCircuitException exception, TimeSpan breakDuration) =>
        new(UpstreamErrorKind.CircuitOpen,
            $"The model server '{upstream}' has failed repeatedly, so Smail is giving it {breakDuration.TotalSeconds:0} s before trying again.",
            inner: exception);
}
