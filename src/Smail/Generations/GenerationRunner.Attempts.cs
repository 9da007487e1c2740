using System.Text.Json;
using Polly;
using Smail.Ollama;
using Smail.Resilience;
using Smail.Sessions;

namespace Smail.Generations;

// The upstream attempts of one answer, run through its upstream's resilience pipeline. A retry after text has
// arrived asks the model to continue that text, so listeners see one seamless answer.
internal sealed partial class GenerationRunner
{
    /// <summary>Streams the answer to its end through retries; returns the done reason (<see cref="DoneReasons"/>).</summary>
    private async Task<string> StreamWithRetriesAsync(
        Generation generation, Session session, IReadOnlyDictionary<string, JsonElement>? options, string upstream, Action onRetry)
    {
        var pipeline = pipelines.GetPipeline(UpstreamResilience.PipelineKeyOf(upstream));
        var context = ResilienceContextPool.Shared.Get(generation.StopToken);
        context.Properties.Set(UpstreamResilience.OnRetryKey, (attempt, delay, reason) =>
        {
            onRetry();
            LogRetrying(attempt, delay.TotalMilliseconds, reason.Code, reason.Message);
            metrics.Retried(reason.Code, upstream);
            generation.PublishRetrying(attempt, delay, reason.Code);
        });
        try
        {
            return await pipeline.ExecuteAsync(
                async ctx => await AttemptAsync(generation, session, options, upstream, ctx.CancellationToken), context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<string> AttemptAsync(
        Generation generation, Session session, IReadOnlyDictionary<string, JsonElement>? options, string upstream, CancellationToken ct)
    {
        generation.PublishStatus(GenerationStates.Connecting);
        var capabilities = await upstreams.GetCapabilitiesAsync(generation.Model, ct);
        if (!await IsLoadedAsync(generation.Model, ct))
        {
            generation.PublishStatus(GenerationStates.LoadingModel);
        }
        // A server that cannot continue is asked for the whole answer again; its first text replaces what was written.
        var fromTheStart = !upstreams.Resolve(generation.Model).Upstream.Continues;
        generation.BeginAttempt(fromTheStart);
        var files = session.Attachments is { Count: > 0 } ? await attachments.BeforeAsync(session, generation.AssistantMessageId, ct) : null;
        var request = UpstreamRequestBuilder.Build(
            session, generation.AssistantMessageId, generation.Model, capabilities.Contains(ModelCapabilities.Thinking), options,
            fromTheStart ? null : generation.PartialAnswer, files, capabilities.Contains(ModelCapabilities.Vision));
        string? doneReason = null;
        await foreach (var chunk in upstreams.StreamChatAsync(request, ct))
        {
            if (!generation.HasFirstToken && (chunk.Content.Length > 0 || !string.IsNullOrEmpty(chunk.Thinking)))
            {
                metrics.FirstChunk(generation.Model, upstream, time.GetUtcNow() - generation.StartedAt);
            }
            if (generation.Add(chunk))
            {
                journal.Restarted(generation);
            }
            journal.Text(generation, chunk);
            doneReason = chunk.DoneReason ?? doneReason;
        }
        return DoneReasons.Of(doneReason);
    }

    // A failed look-up only costs the honest "loading model" status, never the answer.
    private async Task<bool> IsLoadedAsync(string model, CancellationToken ct)
    {
        try
        {
            return await upstreams.IsLoadedAsync(model, ct);
        }
        catch (UpstreamException)
        {
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying (attempt {Attempt}, in {DelayMs:0} ms) after {Code}: {Detail}")]
    private partial void LogRetrying(int attempt, double delayMs, string code, string detail);
}
