using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Accounts;
using Smail.Generations;
using Smail.Journal;
using Smail.Metrics;
using Smail.Problems;
using Smail.Sessions;

namespace Smail.Chat;

/// <summary>
/// Takes an edit back: the messages it replaced return in place of the edited message and its answer. Until
/// answers branch, this is how an edit destroys nothing.
/// </summary>
internal static class UndoEditApi
{
    /// <summary>
    /// <paramref name="messageId"/> is the message the edit sent. Its answer is stopped first if it is still
    /// being written; once the conversation goes on (another message sent), the edit can no longer be undone.
    /// </summary>
    public static async Task<Results<Ok<SessionView>, ProblemHttpResult>> UndoEditAsync(
        string id, string messageId, OwnedSessions store, GenerationRegistry generations, AnswerJournal journal,
        SmailMetrics metrics, CancellationToken ct)
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
        if (!session.CanUndoEdit(messageId))
        {
            return NothingToUndo();
        }
        if (await generations.RunningAnywhereAsync(id) is { } running)
        {
            running.Stop();
            await running.Ended.WaitAsync(ct);
            // The stopped answer is in the file and replay skips it before the edit is taken back; otherwise a
            // crash now would replay the edit over the undo.
            await store.FlushAsync().WaitAsync(ct);
            await journal.SavedDurablyAsync(running.Id).WaitAsync(ct);
        }
        Session? undone = null;
        var stored = await store.UpdateAsync(id, current => undone = current.UndoEdit(messageId) ?? current, ct);
        if (stored is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        if (undone is null)
        {
            // A message was sent meanwhile: the conversation went on from the edit.
            return NothingToUndo();
        }
        metrics.Used(Features.UndoEdit);
        return TypedResults.Ok(SessionView.From(stored, await generations.RunningAnywhereAsync(id)));
    }

    private static ProblemHttpResult NothingToUndo() => ApiProblems.Create(StatusCodes.Status409Conflict, "nothing_to_undo",
        "This edit can no longer be undone: the conversation went on after it.");
}
