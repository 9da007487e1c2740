using Smail.Generations;
using Smail.Ollama;
using Smail.Sessions;

namespace Smail.Journal;

/// <summary>
/// The write-ahead journal of what the conversation files do not hold yet: messages just sent and answers
/// in progress. Lines that acknowledge something to a client (a sent message, the end of an answer) are
/// awaited until they are on the disk; the text
/// of an answer is queued and never waits. After a crash, <see cref="JournalReplay"/> puts it all back.
/// Design: docs/decisions/0002-answer-journal.md.
/// </summary>
internal sealed class AnswerJournal(IJournalWriter writer)
{
    public Task BeginAsync(Generation generation, NewTurn? turn) =>
        writer.AppendAndCommitAsync(new JournalEntry(JournalEntry.Begin, generation.Id)
        {
            Session = generation.SessionId,
            Message = generation.AssistantMessageId,
            Kind = generation.Kind,
            SeedLength = generation.Seed?.Content.Length,
            SeedThinkingLength = generation.Seed?.Thinking?.Length,
            Turn = turn,
        });

    public void Text(Generation generation, UpstreamChunk chunk)
    {
        if (chunk.Content.Length > 0 || !string.IsNullOrEmpty(chunk.Thinking))
        {
            writer.Append(new JournalEntry(JournalEntry.Text, generation.Id)
            {
                Content = chunk.Content.Length > 0 ? chunk.Content : null,
                Thinking = string.IsNullOrEmpty(chunk.Thinking) ? null : chunk.Thinking,
            });
        }
    }

    /// <summary>The answer restarted: the text journaled before this line is no longer its text.</summary>
    public void Restarted(Generation generation) =>
        writer.Append(new JournalEntry(JournalEntry.Restart, generation.Id) { Reason = generation.RestartedAfter });

    public Task FinishAsync(Generation generation, ChatMessage stored) =>
        writer.AppendAndCommitAsync(new JournalEntry(JournalEntry.Finish, generation.Id)
        {
            Status = stored.Status,
            Stats = stored.Stats,
            Error = stored.Error,
            Reason = stored.DoneReason,
        });

    /// <summary>The conversation file now holds what <paramref name="id"/> journaled.</summary>
    public void Saved(string id) => writer.Append(new JournalEntry(JournalEntry.Saved, id));

    /// <summary>
    /// As <see cref="Saved"/>, on the disk when the task completes: before a conversation is changed in a way
    /// that replaying <paramref name="id"/> would undo (an edit taken back), replay must already skip it.
    /// </summary>
    public Task SavedDurablyAsync(string id) => writer.AppendAndCommitAsync(new JournalEntry(JournalEntry.Saved, id));
}
