namespace Smail.Sessions;

/// <summary>
/// A new answer's placeholder, after the message it answers (<see cref="Question"/>, sent with it), or as another
/// version of an answer (no question: a regeneration). The messages name their parents, so a turn after an earlier
/// message (an edit) is a new branch beside what was there, which stays. The answer becomes the message the
/// conversation shows last. The send applies it, and so does the journal's replay after a crash: one definition, so
/// both give the same conversation.
/// </summary>
internal sealed record NewTurn(ChatMessage? Question, ChatMessage Answer)
{
    private const int TitleLength = 60;

    public Session ApplyTo(Session session)
    {
        if (session.FindMessage(Answer.Id) is not null)
        {
            return session;
        }
        session = session.Linked();
        var first = session.Messages.IsEmpty && Question is not null;
        return session with
        {
            // A message sent names the conversation's model; another version of an answer ("Regenerate with…") does not.
            Model = Question is null ? session.Model : Answer.Model ?? session.Model,
            Title = session.Title == Session.DefaultTitle && first ? TitleFrom(Question!.Content) : session.Title,
            Messages = Question is null ? session.Messages.Add(Answer) : session.Messages.Add(Question).Add(Answer),
            CurrentId = Answer.Id,
            UpdatedAt = Answer.CreatedAt,
        };
    }

    private static string TitleFrom(string content)
    {
        var line = content.Trim().ReplaceLineEndings(" ");
        return line.Length <= TitleLength ? line : line[..TitleLength].TrimEnd() + "…";
    }
}
