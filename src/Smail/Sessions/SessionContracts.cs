using System.Text.Json;

namespace Smail.Sessions;

// What the sessions endpoints accept and return (camelCase JSON).

/// <summary>POST: what is not given comes from the preset named (<see cref="PresetId"/>), or else from the person's default preset.</summary>
internal sealed record CreateSessionRequest(string? Title, string? Model, string? SystemPrompt, Dictionary<string, JsonElement>? Options)
{
    public string? PresetId { get; init; }
}

/// <summary>PATCH: a null field is left as it is; an empty system prompt clears it.</summary>
internal sealed record UpdateSessionRequest(string? Title, string? Model, string? SystemPrompt, Dictionary<string, JsonElement>? Options);

internal sealed record SessionSummary(string Id, string Title, string? Model, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int MessageCount, string? ActiveGenerationId);

internal sealed record SessionList(IReadOnlyList<SessionSummary> Sessions);

internal sealed record SessionView(
    string Id,
    string Title,
    string? Model,
    string? SystemPrompt,
    IReadOnlyDictionary<string, JsonElement>? Options,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ActiveGenerationId,
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Siblings,
    IReadOnlyList<Attachments.Attachment> Attachments)
{
    /// <summary>
    /// The path the conversation shows (<see cref="ConversationTree.Path"/>), and for each of its messages that has other
    /// versions, the ids of them all, oldest first (<see cref="Siblings"/>). With the running answer (if any) as far as listeners have seen it. A running
    /// generation counts only once its answer is in the conversation (between claiming the conversation and staging the
    /// turn, a reader would otherwise be told to follow an answer that has no message yet), and only until it ends.
    /// </summary>
    public static SessionView From(Session session, Generations.Generation? running)
    {
        var tree = new ConversationTree(session);
        var messages = tree.Path;
        var answer = running is null || running.IsFinished ? null : messages.FirstOrDefault(m => m.Id == running.AssistantMessageId);
        if (answer is null)
        {
            // Not running after all, or ended: its end is stored before anyone hears of it, so the store has it whole.
            running = null;
        }
        else if (running!.TextSoFar() is { HasText: true } live)
        {
            messages = [.. messages.Select(m => m == answer ? answer with { Content = live.Content, Thinking = live.Thinking, Status = MessageStatus.Streaming } : m)];
        }
        var siblings = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (tree.SiblingsOf(message.Id) is { Count: > 1 } versions)
            {
                siblings[message.Id] = [.. versions.Select(v => v.Id)];
            }
        }
        return new(session.Id, session.Title, session.Model, session.SystemPrompt, session.Options,
            session.CreatedAt, session.UpdatedAt, running?.Id, messages, siblings, session.Attachments ?? []);
    }
}
