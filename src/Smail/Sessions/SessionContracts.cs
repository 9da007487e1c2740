using System.Text.Json;

namespace Smail.Sessions;

// What the sessions endpoints accept and return (camelCase JSON).

internal sealed record CreateSessionRequest(string? Title, string? Model, string? SystemPrompt, Dictionary<string, JsonElement>? Options);

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
    IReadOnlyList<ChatMessage> Messages)
{
    public static SessionView From(Session session, string? activeGenerationId) => new(
        session.Id, session.Title, session.Model, session.SystemPrompt, session.Options,
        session.CreatedAt, session.UpdatedAt, activeGenerationId, session.Messages);
}
