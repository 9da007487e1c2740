using System.Text.Json;
using Smail.Ollama;
using Smail.Sessions;

namespace Smail.Generations;

/// <summary>
/// Runs a generation from start to end on the server's own time: asks the upstream, publishes every
/// token as an event, and stores the answer before announcing the end, so a client that reads the
/// conversation after <c>done</c> finds the answer there.
/// </summary>
internal sealed partial class GenerationRunner(
    IChatUpstream upstream, ISessionStore store, GenerationRegistry registry, TimeProvider time, ILogger<GenerationRunner> logger)
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
        var answer = new AnswerAccumulator();
        Action publishEnd;
        try
        {
            publishEnd = await StreamAnswerAsync(generation, session, options, answer);
        }
        catch (OperationCanceledException) when (generation.Interrupted)
        {
            const string Message = "Smail was shut down while writing this answer. What was written is saved.";
            await FinishMessageAsync(generation, answer, MessageStatus.Interrupted, answer.Stats(), new MessageError("server_shutdown", Message));
            publishEnd = () => generation.PublishError("server_shutdown", Message, retryable: true);
        }
        catch (OperationCanceledException) when (generation.StopRequested)
        {
            var stats = answer.Stats();
            await FinishMessageAsync(generation, answer, MessageStatus.Stopped, stats, null);
            publishEnd = () => generation.PublishDone("stopped", AnswerAccumulator.ToDoneStats(stats));
        }
        catch (UpstreamException ex)
        {
            LogUpstreamFailure(ex.Code, ex.Message);
            await FinishMessageAsync(generation, answer, MessageStatus.Error, answer.Stats(), new MessageError(ex.Code, ex.Message));
            publishEnd = () => generation.PublishError(ex.Code, ex.Message, ex.Retryable);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Generation failed unexpectedly");
            const string Message = "Smail failed while writing this answer. The server log has the details.";
            await FinishMessageAsync(generation, answer, MessageStatus.Error, answer.Stats(), new MessageError("internal_error", Message));
            publishEnd = () => generation.PublishError("internal_error", Message, retryable: true);
        }
        // Free the conversation before anyone hears that the answer ended, so a message sent the moment
        // `done` arrives is never refused as a conflict.
        registry.End(generation);
        publishEnd();
    }

    /// <summary>Streams and stores the answer; returns how to announce its end.</summary>
    private async Task<Action> StreamAnswerAsync(
        Generation generation, Session session, IReadOnlyDictionary<string, JsonElement>? options, AnswerAccumulator answer)
    {
        var stop = generation.StopToken;
        generation.PublishStatus(GenerationStates.Connecting);
        var capabilities = await upstream.GetCapabilitiesAsync(generation.Model, stop);
        if (!await IsLoadedAsync(generation.Model, stop))
        {
            generation.PublishStatus(GenerationStates.LoadingModel);
        }
        var request = UpstreamRequestBuilder.Build(session, generation.AssistantMessageId, generation.Model, capabilities.Contains("thinking"), options);
        string? doneReason = null;
        await foreach (var chunk in upstream.StreamChatAsync(request, stop))
        {
            if (generation.ReplacesAnswer && !answer.HasContent && !answer.HasThinking && (chunk.Content.Length > 0 || !string.IsNullOrEmpty(chunk.Thinking)))
            {
                await ClearReplacedAnswerAsync(generation);
            }
            if (!string.IsNullOrEmpty(chunk.Thinking))
            {
                if (!answer.HasThinking && !answer.HasContent)
                {
                    generation.PublishStatus(GenerationStates.Thinking);
                }
                generation.PublishThinking(chunk.Thinking);
            }
            if (chunk.Content.Length > 0)
            {
                if (!answer.HasContent)
                {
                    generation.PublishStatus(GenerationStates.Generating);
                }
                generation.PublishDelta(chunk.Content);
            }
            answer.Add(chunk);
            doneReason = chunk.DoneReason ?? doneReason;
        }
        var stats = answer.Stats();
        await FinishMessageAsync(generation, answer, MessageStatus.Complete, stats, null);
        return () => generation.PublishDone(doneReason == "length" ? "length" : "stop", AnswerAccumulator.ToDoneStats(stats));
    }

    // A failed look-up only costs the honest "loading model" status, never the answer.
    private async Task<bool> IsLoadedAsync(string model, CancellationToken stop)
    {
        try
        {
            return await upstream.IsLoadedAsync(model, stop);
        }
        catch (UpstreamException)
        {
            return true;
        }
    }

    // The new answer has begun: the old one gives way in the store too.
    private Task ClearReplacedAnswerAsync(Generation generation) =>
        UpdateAnswerAsync(generation, message => message with
        {
            Content = "", Thinking = null, Status = MessageStatus.Streaming, Stats = null, Error = null, Model = generation.Model,
        });

    private async Task FinishMessageAsync(Generation generation, AnswerAccumulator answer, string status, MessageStats stats, MessageError? error)
    {
        if (generation.ReplacesAnswer && !answer.HasContent && !answer.HasThinking)
        {
            // A regeneration that never produced a token leaves the previous answer untouched.
            return;
        }
        await UpdateAnswerAsync(generation, message => message with
        {
            Content = answer.Content,
            Thinking = answer.Thinking,
            Status = status,
            Stats = stats,
            Error = error,
        });
    }

    private async Task UpdateAnswerAsync(Generation generation, Func<ChatMessage, ChatMessage> change)
    {
        try
        {
            await store.UpdateAsync(generation.SessionId, session =>
            {
                var message = session.FindMessage(generation.AssistantMessageId);
                return message is null ? session : session.ReplaceMessage(change(message), time.GetUtcNow());
            }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Listeners still get the end of the answer; the log says why the file does not have it.
            logger.LogError(ex, "Could not store the answer of generation {GenerationId}", generation.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream failed with {Code}: {Detail}")]
    private partial void LogUpstreamFailure(string code, string detail);
}
