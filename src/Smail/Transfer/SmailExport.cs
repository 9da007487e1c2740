using System.Text.Json;
using Smail.Sessions;

namespace Smail.Transfer;

/// <summary>
/// Smail's own export of one conversation (<c>GET /api/sessions/{id}/export?format=json</c>): everything a person
/// wrote and read, every version of every turn, in a shape another Smail imports whole. Ids and the owner stay behind:
/// an import is a new conversation of whoever imports it. A message names the one it follows by its position
/// (<see cref="ExportedMessage.Parent"/>); version 1, from before branching, was one path.
/// </summary>
internal sealed record SmailExport(string Format, int Version, DateTimeOffset ExportedAt, ExportedConversation Conversation)
{
    /// <summary>The <c>format</c> field that tells an import this file is Smail's.</summary>
    public const string FormatName = "smail.conversation";
    public const int CurrentVersion = 2;

    /// <param name="files">the bytes of the files its messages carried, by attachment id</param>
    public static SmailExport Of(Session session, DateTimeOffset now, IReadOnlyDictionary<string, byte[]> files)
    {
        session = session.Linked();
        var position = session.Messages.Select((m, i) => (m.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var current = new ConversationTree(session).Leaf;
        var exported = (session.Attachments ?? []).Where(a => files.ContainsKey(a.Id)).ToList();
        var filePosition = exported.Select((a, i) => (a.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        return new(FormatName, CurrentVersion, now, new(
            session.Title, session.Model, session.SystemPrompt, session.Options, session.CreatedAt, session.UpdatedAt,
            [.. session.Messages.Select(m => new ExportedMessage(m.Role, m.Content, m.Status, m.CreatedAt)
            {
                Parent = m.ParentId is { } parent && position.TryGetValue(parent, out var at) ? at : null,
                Attachments = m.Attachments?.Where(filePosition.ContainsKey).Select(a => filePosition[a]).ToList() is { Count: > 0 } named ? named : null,
                Thinking = m.Thinking,
                Model = m.Model,
                Stats = m.Stats,
                Error = m.Error,
                DoneReason = m.DoneReason,
            })])
        {
            Current = current is null ? null : position[current.Id],
            Files = exported.Count > 0 ? [.. exported.Select(a => new ExportedFile(a.Name, a.MediaType, Convert.ToBase64String(files[a.Id])))] : null,
        });
    }
}

internal sealed record ExportedConversation(
    string Title,
    string? Model,
    string? SystemPrompt,
    IReadOnlyDictionary<string, JsonElement>? Options,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ExportedMessage> Messages)
{
    /// <summary>The position of the message the conversation showed last.</summary>
    public int? Current { get; init; }

    /// <summary>The files the messages carried, whole; a message names them by position (<see cref="ExportedMessage.Attachments"/>).</summary>
    public IReadOnlyList<ExportedFile>? Files { get; init; }
}

/// <summary>A file as the export carries it: its bytes in base64. An import believes neither its name's type nor <see cref="MediaType"/>.</summary>
internal sealed record ExportedFile(string Name, string MediaType, string Data);

internal sealed record ExportedMessage(string Role, string Content, string Status, DateTimeOffset CreatedAt)
{
    /// <summary>The position of the message this one follows; null for a first message.</summary>
    public int? Parent { get; init; }

    /// <summary>The positions of the files it carried in the conversation's <see cref="ExportedConversation.Files"/>.</summary>
    public IReadOnlyList<int>? Attachments { get; init; }

    public string? Thinking { get; init; }
    public string? Model { get; init; }
    public MessageStats? Stats { get; init; }
    public MessageError? Error { get; init; }
    public string? DoneReason { get; init; }
}
