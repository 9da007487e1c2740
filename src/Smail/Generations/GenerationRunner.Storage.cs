using Smail.Sessions;

namespace Smail.Generations;

// Writing the answer to the conversation: checkpoints while it grows, the final state at its end.
internal sealed partial class GenerationRunner
{
    // The new answer has begun: the old one gives way in the store too.
    private Task ClearReplacedAnswerAsync(Generation generation) =>
        UpdateAnswerAsync(generation, message => message with
        {
            Content = "", Thinking = null, Status = MessageStatus.Streaming, Stats = null, Error = null, Model = generation.Model,
        });

    private Task SaveProgressAsync(Generation generation, AnswerAccumulator answer)
    {
        if (generation.ReplacesAnswer && !answer.HasContent && !answer.HasThinking)
        {
            return Task.CompletedTask;
        }
        return UpdateAnswerAsync(generation, message => message with
        {
            Content = answer.Content, Thinking = answer.Thinking, Status = MessageStatus.Streaming, Error = null,
        });
    }

    /// <summary>Stores the answer's final state; false when the store refused the write.</summary>
    private async Task<bool> FinishMessageAsync(Generation generation, AnswerAccumulator answer, string status, MessageStats stats, MessageError? error)
    {
        if (generation.ReplacesAnswer && !answer.HasContent && !answer.HasThinking)
        {
            // A regeneration that never produced a token leaves the previous answer untouched.
            return true;
        }
        try
        {
            await UpdateAnswerAsync(generation, message => message with
            {
                Content = answer.Content,
                Thinking = answer.Thinking,
                Status = status,
                Stats = stats,
                Error = error,
            });
            return true;
        }
        catch (Exception ex)
        {
            // Listeners still get the end of the answer; the log says why the file does not have it.
            logger.LogError(ex, "Could not store the answer of generation {GenerationId}", generation.Id);
            return false;
        }
    }

    private Task UpdateAnswerAsync(Generation generation, Func<ChatMessage, ChatMessage> change) =>
        store.UpdateAsync(generation.SessionId, session =>
        {
            var message = session.FindMessage(generation.AssistantMessageId);
            return message is null ? session : session.ReplaceMessage(change(message), time.GetUtcNow());
        }, CancellationToken.None);
}
