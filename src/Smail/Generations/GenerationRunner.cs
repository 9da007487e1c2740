using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Registry;
using Smail.Journal;
using Smail.Metrics;
using Smail.Ollama;
using Smail.Resilience;
using Smail.Sessions;
using Smail.Upstreams;

namespace Smail.Generations;

/// <summary>
/// Runs a generation from start to end on the server's own time: asks the upstream (retrying and
/// continuing through failures), hands every token to the generation (which tells listeners) and to the
/// journal, and stores the answer before announcing its end, so a client that reads the conversation
/// after <c>done</c> finds the answer there. Whatever throws, the generation ends and frees its conversation.
/// </summary>
internal sealed partial class GenerationRunner(
    RoutingUpstream upstreams,
    ISessionStore store,
    AnswerJournal journal,
    GenerationRegistry registry,
    ResiliencePipelineProvider<string> pipelines,
    IOptions<ResilienceOptions> resilience,
    SmailMetrics metrics,
    Titles.TitleWriter titles,
    Attachments.AttachmentReader attachments,
    TimeProvider time,
    ILogger<GenerationRunner> logger)
{
    /// <summary>
    /// Makes the start durable (for a new answer, the message sent and the answer's placeholder), then runs
    /// the generation in the background. Throws <see cref="StorageException"/> when the journal refused the
    /// write; the generation has then ended and the conversation is free.
    /// </summary>
    public async Task<Session?> StartAsync(Generation generation, NewTurn? turn, IReadOnlyDictionary<string, JsonElement>? options)
    {
        Session? session;
        var journaled = false;
        try
        {
            // On the disk before it is in memory: a refused journal write leaves the conversation as it was, and
            // a crash after the 202 keeps the message. A begin whose conversation is gone is skipped by replay.
            await journal.BeginAsync(generation, turn);
            journaled = true;
            session = turn is null
                ? await store.GetAsync(generation.SessionId, CancellationToken.None)
                : await store.StageAsync(generation.SessionId, turn.ApplyTo, CancellationToken.None);
        }
        catch
        {
            registry.End(generation);
            if (journaled)
            {
                // The store refused the turn (a database that is down): the client is told so, and a restart must
                // not bring back a message it was told was not taken.
                await ForgetBeginAsync(generation.Id);
            }
            throw;
        }
        if (session is null)
        {
            registry.End(generation);
            journal.Saved(generation.Id); // nothing for replay to apply
            return null;
        }
        generation.Begin();
        _ = Task.Run(() => RunAsync(generation, session, options));
        return session;
    }

    /// <summary>
    /// Carries on a generation another instance began and could not finish (it died): says so to listeners, then runs
    /// it as a retry after a failure mid-answer would, continuing from the text it already has.
    /// </summary>
    public void CarryOn(Generation generation, Session session)
    {
        generation.PublishStatus(GenerationStates.Recovering);
        _ = Task.Run(() => RunAsync(generation, session, null));
    }

    private async Task ForgetBeginAsync(string generationId)
    {
        try
        {
            await journal.SavedDurablyAsync(generationId);
        }
        catch (StorageException ex)
        {
            LogStoreFailed(ex);
        }
    }

    private async Task RunAsync(Generation generation, Session session, IReadOnlyDictionary<string, JsonElement>? options)
    {
        using var scope = logger.BeginScope(new GenerationLogScope(generation.Id, generation.SessionId));
        using var activity = SmailMetrics.Traces.StartActivity("generation");
        activity?.SetTag("smail.generation.id", generation.Id);
        activity?.SetTag("smail.session.id", generation.SessionId);
        activity?.SetTag("gen_ai.request.model", generation.Model);
        var upstream = upstreams.Resolve(generation.Model).Upstream.Name;
        var started = Stopwatch.GetTimestamp();
        metrics.GenerationStarted();
        var ending = GenerationEnding.InternalError;
        var stats = generation.Stats();
        try
        {
            var retries = 0;
            ending = await StreamToEndingAsync(generation, session, options, upstream, () => retries++);
            if (ending == GenerationEnding.HandedOff)
            {
                return; // another instance carries it on: nothing ends here (see finally)
            }
            if (retries > 0)
            {
                metrics.Recovered(ending.Status == MessageStatus.Complete, upstream);
            }
            stats = generation.Stats();
            metrics.GenerationEnded(generation.Model, upstream, generation.HasFirstToken, ending.Status, Stopwatch.GetElapsedTime(started),
                ending.Status == MessageStatus.Complete ? stats.TokensPerSecond : 0, ending.Error?.Code);
            activity?.SetTag("smail.generation.outcome", ending.Status);
            if (!await StoreAsync(generation, ending, stats))
            {
                ending = GenerationEnding.StorageFailed;
            }
        }
        catch (Exception ex)
        {
            LogUnexpectedFailure(ex);
            ending = GenerationEnding.InternalError;
        }
        finally
        {
            if (ending == GenerationEnding.HandedOff)
            {
                // This instance's journal no longer answers for it, and its lease goes, so another takes it at once.
                await ForgetBeginAsync(generation.Id);
                await registry.HandOverAsync(generation);
                metrics.GenerationEnded(generation.Model, upstream, generation.HasFirstToken, "handed_off", Stopwatch.GetElapsedTime(started), 0, null);
            }
            else
            {
                // Free the conversation before anyone hears that the answer ended, so a message sent the moment
                // `done` arrives is never refused as a conflict.
                registry.End(generation);
                generation.End(ending, stats);
                store.SaveLater(generation.SessionId, () => journal.Saved(generation.Id));
                titles.AnswerEnded(generation.SessionId, ending.Status);
            }
        }
    }

    private async Task<GenerationEnding> StreamToEndingAsync(
        Generation generation, Session session, IReadOnlyDictionary<string, JsonElement>? options, string upstream, Action onRetry)
    {
        try
        {
            return GenerationEnding.Completed(await StreamWithRetriesAsync(generation, session, options, upstream, onRetry));
        }
        catch (OperationCanceledException) when (generation.HandedOff)
        {
            return GenerationEnding.HandedOff;
        }
        catch (OperationCanceledException) when (generation.Interrupted)
        {
            return GenerationEnding.ShutDown;
        }
        catch (OperationCanceledException) when (generation.StopRequested)
        {
            return GenerationEnding.Stopped;
        }
        catch (BrokenCircuitException ex)
        {
            return Failed(UpstreamResilience.CircuitOpen(upstream, ex, resilience.Value.BreakerBreakDuration));
        }
        catch (UpstreamException ex)
        {
            return Failed(ex);
        }
    }

    private GenerationEnding Failed(UpstreamException ex)
    {
        LogUpstreamFailure(ex.Code, ex.Message);
        return GenerationEnding.Failed(ex.Code, ex.Message, ex.Retryable);
    }

    /// <summary>Stores the answer as it ended, in memory and in the journal; false when the journal refused the write.</summary>
    private async Task<bool> StoreAsync(Generation generation, GenerationEnding ending, MessageStats stats)
    {
        ChatMessage? stored = null;
        await store.StageAsync(generation.SessionId, session =>
        {
            if (session.FindMessage(generation.AssistantMessageId) is not { } placeholder)
            {
                return session;
            }
            stored = generation.ToStoredMessage(placeholder, ending, stats);
            return session.ReplaceMessage(stored, time.GetUtcNow());
        }, CancellationToken.None);
        if (stored is null)
        {
            return true; // the conversation or the answer was deleted meanwhile
        }
        try
        {
            await journal.FinishAsync(generation, stored);
            return true;
        }
        catch (StorageException ex)
        {
            // Listeners still get the end of the answer; the log says why the disk does not have it.
            LogStoreFailed(ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream failed with {Code}: {Detail}")]
    private partial void LogUpstreamFailure(string code, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Generation failed unexpectedly")]
    private partial void LogUnexpectedFailure(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the answer")]
    private partial void LogStoreFailed(Exception ex);
}
