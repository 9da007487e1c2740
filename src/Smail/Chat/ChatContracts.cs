using System.Text.Json;

namespace Smail.Chat;

/// <summary><see cref="ParentId"/>: the answer the message follows; by default the last message the conversation shows.</summary>
/// <summary><see cref="Attachments"/>: ids of files uploaded to the conversation, sent with the message.</summary>
internal sealed record SendMessageRequest(string? Content, string? Model, Dictionary<string, JsonElement>? Options)
{
    public string? ParentId { get; init; }

    public List<string>? Attachments { get; init; }
}

internal sealed record RegenerateRequest(string? Model, Dictionary<string, JsonElement>? Options);

/// <summary>The 202 answer to a send: where the new answer will stream.</summary>
internal sealed record GenerationAccepted(string UserMessageId, string AssistantMessageId, string GenerationId, string EventsUrl);
