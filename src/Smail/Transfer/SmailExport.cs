using System.Text.Json;
using Smail.Sessions;

namespace Smail.Transfer;

/// <summary>
/// Smail's own export of one conversation (<c>GET /api/sessions/{id}/export?format=json</c>): everything a person
/// wrote and read, in a shape another Smail imports whole. Ids, the owner and the undo state stay behind: an
/// import is a new conversation of whoever imports it.
/// </summary>
internal sealed record SmailExport(string Format, int Version, DateTimeOffset ExportedAt, ExportedConversation Conversation)
{
    /// <summary>The <c>format</c> field that tells an import this file is Smail's.</summary>
    public const string FormatName = "smail.conversation";
    public const int CurrentVersion = 1;

    public static SmailExport Of(Session session, DateTimeOffset now) => new(FormatName, CurrentVersion, now, new(
        session.Title, session.Model, session.SystemPrompt, session.Options, session.CreatedAt, session.UpdatedAt,
        [.. session.Messages.Select(m => new ExportedMessage(m.Role, m.Content, m.Status, m.CreatedAt)
        {
            Thinking = m.Thinking,
            Model = m.Model,
            Stats = m.Stats,
            Error = m.Error,
            DoneReason = m.DoneReason,
        })]));
}

internal sealed record ExportedConversation(
    string Title,
    string? Model,
    string? SystemPrompt,
    IReadOnlyDictionary<string, JsonElement>? Options,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ExportedMessage> Messages);

internal sealed record ExportedMessage(string Role, string Content, string Status, DateTimeOffset CreatedAt)
{
    public string? Thinking { get; init; }
    public string? Model { get; init; }
    public MessageStats? Stats { get; init; }
    public MessageError? Error { get; init; }
    public string? DoneReason { get; init; }
}
