namespace Smail.Sessions;

/// <summary>
/// A message sent and the placeholder of its answer, as one change to a conversation. With <see cref="EditFrom"/>
/// it replaces that earlier message and everything after it, keeping them in <see cref="Session.Replaced"/> for
/// Undo. The send applies it, and so does the journal's replay after a crash: one definition, so both give the
/// same conversation.
/// </summary>
internal sealed record NewTurn(ChatMessage Question, ChatMessage Answer, string? EditFrom)
{
    private const int TitleLength = 60;

    public Session ApplyTo(Session session)
    {
        if (session.FindMessage(Answer.Id) is not null)
        {
            return session;
        }
        var kept = EditFrom is null ? session.Messages : [.. session.Messages.TakeWhile(m => m.Id != EditFrom)];
        return session with
        {
            // Only the latest edit can be undone, and only until the conversation goes on.
            Replaced = EditFrom is null ? null : new ReplacedTurns(Question.Id, session.Messages.RemoveRange(0, kept.Count)),
            Model = Answer.Model ?? session.Model,
            Title = session.Title == Session.DefaultTitle && kept.IsEmpty ? TitleFrom(Question.Content) : session.Title,
            Messages = kept.Add(Question).Add(Answer),
            UpdatedAt = Answer.CreatedAt,
        };
    }

    private static string TitleFrom(string content)
    {
        var line = content.Trim().ReplaceLineEndings(" ");
        return line.Length <= TitleLength ? line : line[..TitleLength].TrimEnd() + "…";
    }
}
