using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Registry;
using Smail.Metrics;
using Smail.Ollama;
using Smail.Resilience;
using Smail.Sessions;

namespace Smail.Generations;

/// <summary>
/// Runs a generation from start to end on the server's own time: asks the upstream (retrying and
/// continuing through failures), publishes every token as an event, checkpoints the answer while it
/// grows, and stores it before announcing the end, so a client that reads the conversation after
/// <c>done</c> finds the answer there.
/// </summary>
internal sealed partial class GenerationRunner(
    IChatUpstream upstream,
    ISessionStore store,
    GenerationRegistry registry,
    ResiliencePipelineProvider<string> pipelines,
    IOptions<ResilienceOptions> resilience,
    IOptions<GenerationOptions> generationOptions,
    SmailMetrics metrics,
    TimeProvider time,
    ILogger<GenerationRunner> logger)
{
    /// <summary>Starts <paramref name="generation"/> in the background; the conversation already holds its placeholder.</summary>
    public void Start(Generation generation, Session session, IReadOnlyDictionary<string, JsonElement>? options)
    {
        generation.PublishStatus(GenerationStates.Queued);
        _ = Task.Run(() => RunAsync(generation, session, options));
    }

    private async Task RunAsync(Generation generation, Session session, IReadOnlyDictionary<string, JsonElement>? options)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["GenerationId"] = generation.Id, ["SessionId"] = generation.SessionId });
        using var activity = SmailMetrics.Traces.StartActivity("generation");
        activity?.SetTag("smail.generation.id", generation.Id);
        activity?.SetTag("smail.session.id", generation.SessionId);
        activity?.SetTag("gen_ai.request.model", generation.Model);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        metrics.GenerationStarted();
        var answer = generation.Continues is { } seed ? new AnswerAccumulator(seed.Content, seed.Thinking) : new AnswerAccumulator();
        if (generation.Continues is not null)
        {
            // A continuation's events carry the whole answer, so a listener attaching at event 1 rebuilds it exactly.
            PublishSeed(generation, answer);
        }
        var retries = 0;
        Ending ending;
        await using (new AnswerCheckpoint(answer, () => SaveProgressAsync(generation, answer), generationOptions.Value.CheckpointInterval, time, logger))
        {
            ending = await StreamToEndingAsync(generation, session, options, answer, () => retries++);
        }
        if (retries > 0)
        {
            metrics.Recovered(ending.Status == MessageStatus.Complete);
        }
        var stats = answer.Stats();
        metrics.GenerationEnded(generation.Model, ending.Status, System.Diagnostics.Stopwatch.GetElapsedTime(started),
            ending.Status == MessageStatus.Complete ? stats.TokensPerSecond : 0, ending.Status == MessageStatus.Error ? ending.Error?.Code : null);
        activity?.SetTag("smail.generation.outcome", ending.Status);
        if (!await FinishMessageAsync(generation, answer, ending.Status, stats, ending.Error))
        {
            ending = ending with
            {
                Publish = () => generation.PublishError("storage_failed",
                    "The answer could not be saved: the conversation store refused the write. Smail's log says why.", retryable: true),
            };
        }
        // Free the conversation before anyone hears that the answer ended, so a message sent the moment
        // `done` arrives is never refused as a conflict.
        registry.End(generation);
        ending.Publish();
    }

    /// <summary>How an answer ended: its stored status and error, and the event that tells listeners.</summary>
    private sealed record Ending(string Status, MessageError? Error, Action Publish);

    private async Task<Ending> StreamToEndingAsync(
        Generation generation, Session session, IReadOnlyDictionary<string, JsonElement>? options, AnswerAccumulator answer, Action onRetry)
    {
        try
        {
            var reason = await StreamWithRetriesAsync(generation, session, options, answer, onRetry);
            return new Ending(MessageStatus.Complete, null, () => generation.PublishDone(reason, AnswerAccumulator.ToDoneStats(answer.Stats())));
        }
        catch (OperationCanceledException) when (generation.Interrupted)
        {
            const string Message = "Smail was shut down while writing this answer. What was written is saved; Continue picks up from here.";
            return new Ending(MessageStatus.Interrupted, new MessageError("server_shutdown", Message),
                () => generation.PublishError("server_shutdown", Message, retryable: true));
        }
        catch (OperationCanceledException) when (generation.StopRequested)
        {
            return new Ending(MessageStatus.Stopped, null, () => generation.PublishDone("stopped", AnswerAccumulator.ToDoneStats(answer.Stats())));
        }
        catch (BrokenCircuitException ex)
        {
            return Failed(generation, UpstreamResilience.CircuitOpen(ex, resilience.Value.BreakerBreakDuration));
        }
        catch (UpstreamException ex)
        {
            return Failed(generation, ex);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Generation failed unexpectedly");
            const string Message = "Smail failed while writing this answer. The server log has the details.";
            return new Ending(MessageStatus.Error, new MessageError("internal_error", Message),
                () => generation.PublishError("internal_error", Message, retryable: true));
        }
    }

    private Ending Failed(Generation generation, UpstreamException ex)
    {
        LogUpstreamFailure(ex.Code, ex.Message);
        return new Ending(MessageStatus.Error, new MessageError(ex.Code, ex.Message), () => generation.PublishError(ex.Code, ex.Message, ex.Retryable));
    }

    private static void PublishSeed(Generation generation, AnswerAccumulator answer)
    {
        if (answer.HasThinking)
        {
            generation.PublishThinking(answer.Thinking!);
        }
        if (answer.HasContent)
        {
            generation.PublishDelta(answer.Content);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream failed with {Code}: {Detail}")]
    private partial void LogUpstreamFailure(string code, string detail);
}
