using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Accounts;
using Smail.Generations;
using Smail.Metrics;
using Smail.Problems;
using Smail.Sessions;

namespace Smail.Chat;

/// <summary>Choosing which version of a turn the conversation shows (<see cref="ConversationTree"/>).</summary>
internal static class BranchesApi
{
    /// <summary>
    /// Shows the path through <paramref name="messageId"/>, and below it the branch written last. Refused while an
    /// answer is being written, so the answer streaming is always on the path shown.
    /// </summary>
    public static async Task<Results<Ok<SessionView>, ProblemHttpResult>> SelectAsync(
        string id, string messageId, OwnedSessions store, GenerationRegistry generations, SmailMetrics metrics, CancellationToken ct)
    {
        var session = await store.GetAsync(id, ct);
        if (session is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        if (session.FindMessage(messageId) is null)
        {
            return ApiProblems.MessageNotFound(messageId);
        }
        if (await generations.RunningAnywhereAsync(id) is { } running)
        {
            return ApiProblems.GenerationInProgress(running.Id);
        }
        var stored = await store.UpdateAsync(id, current =>
        {
            var linked = current.Linked();
            return new ConversationTree(linked).PathThrough(messageId) is [.., var last] ? linked with { CurrentId = last.Id } : current;
        }, ct);
        if (stored is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        metrics.Used(Features.BranchSelected);
        return TypedResults.Ok(SessionView.From(stored, null));
    }
}
