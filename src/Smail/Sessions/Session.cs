using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Smail.Sessions;

/// <summary>A conversation as stored: one JSON file each. Immutable; the store swaps whole values.</summary>
/// <remarks>
/// The fields a summary needs are written first (<see cref="JsonPropertyOrderAttribute"/>), the message count and
/// whether an answer was in progress among them, so start-up reads a few hundred bytes of each file, not all of it.
/// </remarks>
internal sealed record Session(
    [property: JsonPropertyOrder(-3)] string Id,
    [property: JsonPropertyOrder(-3)] string Title,
    [property: JsonPropertyOrder(-3)] string? Model,
    string? SystemPrompt,
    [property: JsonPropertyOrder(-3)] DateTimeOffset CreatedAt,
    [property: JsonPropertyOrder(-3)] DateTimeOffset UpdatedAt,
    ImmutableList<ChatMessage> Messages)
{
    /// <summary>Written for readers of the summary; ignored when read back.</summary>
    [JsonPropertyOrder(-2)]
    public int MessageCount => Messages.Count;

    /// <summary>Written for readers of the summary: an answer stored as streaming (only a crash leaves one on disk).</summary>
    [JsonPropertyOrder(-2)]
    public bool AnswerInProgress => Messages.Any(m => m.Status == MessageStatus.Streaming);

    /// <summary>
    /// The account the conversation belongs to; null in files from before accounts, which belong to the first
    /// admin (<see cref="Accounts.Ownership"/>). Written first of all, so the summary reader meets it.
    /// </summary>
    [JsonPropertyOrder(-4)]
    public string? OwnerId { get; init; }

    /// <summary>Bumped when the file format changes; readers ignore fields they do not know. 2: messages name their parent.</summary>
    public const int CurrentSchemaVersion = 2;
    public const string DefaultTitle = "New chat";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>
    /// Who chose the title (<see cref="TitleSources"/>); null while it is the default or the first message's words, which
    /// the model may replace once. A person's title is never replaced.
    /// </summary>
    public string? TitleSource { get; init; }

    /// <summary>Per-conversation model options (temperature, …), passed to the model as they are.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Options { get; init; }

    /// <summary>
    /// The message the conversation shows last (<see cref="ConversationTree.Path"/>); null means the last one stored, as in
    /// every conversation from before branching.
    /// </summary>
    public string? CurrentId { get; init; }

    /// <summary>The files uploaded to this conversation, which its messages name (<see cref="ChatMessage.Attachments"/>); null for none.</summary>
    public ImmutableList<Attachments.Attachment>? Attachments { get; init; }

    public Attachments.Attachment? FindAttachment(string id) => Attachments?.Find(a => a.Id == id);

    /// <summary>
    /// Read from conversations stored before branching, and never written again: what an edit replaced, kept for its
    /// undo. <see cref="Linked"/> turns it into the branch it was.
    /// </summary>
    public ReplacedTurns? Replaced { get; init; }

    public ChatMessage? FindMessage(string messageId) => Messages.Find(m => m.Id == messageId);

    /// <summary>
    /// The conversation with every message's parent named. One stored before branching (no message names one) was a
    /// single path, and the messages its last edit replaced become the other version of the edited message, so no
    /// version is lost; one that names parents is returned as it is.
    /// </summary>
    public Session Linked()
    {
        if (Messages.Count == 0 && Replaced is null || Messages.Exists(m => m.ParentId is not null))
        {
            return this;
        }
        var linked = ImmutableList.CreateBuilder<ChatMessage>();
        string? previous = null;
        foreach (var message in Messages)
        {
            linked.Add(message with { ParentId = previous });
            previous = message.Id;
        }
        if (Replaced is { Messages.Count: > 0 } replaced && linked.FindIndex(m => m.Id == replaced.By) is var by and >= 0)
        {
            // Before the message that replaced them, so the versions of the turn stay oldest first.
            previous = linked[by].ParentId;
            linked.InsertRange(by, replaced.Messages.Select(message =>
            {
                var branch = message with { ParentId = previous };
                previous = message.Id;
                return branch;
            }));
        }
        return this with { Messages = linked.ToImmutable(), Replaced = null, CurrentId = CurrentId ?? Messages.LastOrDefault()?.Id, SchemaVersion = CurrentSchemaVersion };
    }

    public Session ReplaceMessage(ChatMessage message, DateTimeOffset now) => this with
    {
        Messages = Messages.Replace(FindMessage(message.Id)!, message),
        UpdatedAt = now,
    };
}

internal static class TitleSources
{
    public const string Person = "person";
    public const string Model = "model";
    public const string Imported = "imported";
}

internal static class MessageRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string System = "system";
}

/// <summary>The contract's message states: how the answer ended, or that it is still being written.</summary>
internal static class MessageStatus
{
    public const string Complete = "complete";
    public const string Streaming = "streaming";
    public const string Stopped = "stopped";
    public const string Error = "error";
    public const string Interrupted = "interrupted";
}

internal sealed record ChatMessage(string Id, string Role, string Content, string Status, DateTimeOffset CreatedAt)
{
    /// <summary>The message this one answers or follows; null for a first message (<see cref="ConversationTree"/>).</summary>
    public string? ParentId { get; init; }

    /// <summary>The ids of the files sent with this message (<see cref="Session.Attachments"/>); null for none.</summary>
    public IReadOnlyList<string>? Attachments { get; init; }

    public string? Thinking { get; init; }
    public string? Model { get; init; }
    public MessageStats? Stats { get; init; }
    public MessageError? Error { get; init; }

    /// <summary>Set when the answer was written again from its beginning after a failure (the failure's code): its server cannot continue one.</summary>
    public string? RestartedAfter { get; init; }

    /// <summary>Why a complete answer ended early (<c>length</c>, <c>content_filter</c>, <c>tool_calls</c>); null for a plain stop.</summary>
    public string? DoneReason { get; init; }
}

/// <summary>Before branching: the messages an edit replaced (the edited message and all after it), and the message sent in their place.</summary>
internal sealed record ReplacedTurns(string By, ImmutableList<ChatMessage> Messages);

internal sealed record MessageStats(int PromptTokens, int OutputTokens, long TtftMs, long DurationMs, double TokensPerSecond);

internal sealed record MessageError(string Code, string Message);
