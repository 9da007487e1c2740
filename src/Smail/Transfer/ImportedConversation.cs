using System.Collections.Immutable;
using System.Text.Json;
using Smail.Sessions;

namespace Smail.Transfer;

/// <summary>
/// One conversation as a reader found it in an export, before any check: what every format comes down to. It becomes a
/// <see cref="Session"/> only through <see cref="ToSession"/>, the one place where an import's limits are applied.
/// </summary>
internal sealed record ImportedConversation(string? Title, string? Model, string? SystemPrompt, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, IReadOnlyList<ImportedMessage> Messages)
{
    public IReadOnlyDictionary<string, JsonElement>? Options { get; init; }

    /// <summary>The position in <see cref="Messages"/> of the message the conversation showed last; null for the last one.</summary>
    public int? Current { get; init; }

    /// <summary>The files its messages carried (Smail's export has them), which messages name by position.</summary>
    public IReadOnlyList<ImportedFile>? Files { get; init; }

    public const string UntitledTitle = "Imported chat";

    /// <summary>
    /// The conversation as Smail stores it, new ids and all; <see cref="ImportRefused"/> names the conversation and what is
    /// wrong with it. Branches stay branches (<see cref="ImportedMessage.Parent"/>). A message that is the only one after
    /// a message from the same side is joined to it, so the turns alternate as Smail's always do.
    /// </summary>
    public CheckedImport ToSession(int position, ImportLimits limits, Attachments.AttachmentOptions fileLimits, DateTimeOffset now)
    {
        var title = Title is null ? "" : Title.ReplaceLineEndings(" ").Trim();
        title = title.Length == 0 ? UntitledTitle : title.Length > SessionValidation.MaxTitleLength ? title[..(SessionValidation.MaxTitleLength - 1)] + "…" : title;
        string Which() => $"Conversation {position} (“{title}”)";

        if (Messages.Count > limits.MaxMessagesPerConversation)
        {
            throw new ImportRefused($"{Which()} has {Messages.Count} messages; an import takes at most {limits.MaxMessagesPerConversation} per conversation.");
        }
        var model = Model is not null && SessionValidation.IsModelName(Model) ? Model : null;
        var systemPrompt = string.IsNullOrWhiteSpace(SystemPrompt) ? null : SystemPrompt;
        if (SessionValidation.Check(null, null, systemPrompt, Options) is { } invalid)
        {
            throw new ImportRefused($"{Which()}: {invalid.Detail}");
        }
        // Each file passes the gate an upload passes: what it is by its bytes, and the same limits.
        var files = new List<Attachments.Intake>();
        foreach (var file in Files ?? [])
        {
            var intake = Attachments.AttachmentIntake.Read(file.Bytes, file.Name, fileLimits);
            files.Add(intake.Attachment is null ? throw new ImportRefused($"{Which()}: {intake.Detail}") : intake);
        }
        var createdAt = Plausible(CreatedAt, now) ?? Plausible(Messages.Count > 0 ? Messages[0].CreatedAt : null, now) ?? now;
        var messages = ImmutableList.CreateBuilder<ChatMessage>();
        // Where each imported message went: a message of its own, or the one it was joined to.
        var stored = new int[Messages.Count];
        var linear = !Messages.Any(m => m.Parent is not null);
        var parents = new int?[Messages.Count];
        var children = new int[Messages.Count];
        for (var i = 0; i < Messages.Count; i++)
        {
            parents[i] = linear ? (i > 0 ? i - 1 : null) : Messages[i].Parent;
            if (parents[i] is { } parent && (parent < 0 || parent >= i))
            {
                throw new ImportRefused($"{Which()} has a message whose parent does not come before it.");
            }
            if (parents[i] is { } p)
            {
                children[p]++;
            }
        }
        for (var i = 0; i < Messages.Count; i++)
        {
            var message = Messages[i];
            if (message.Role is not (MessageRoles.User or MessageRoles.Assistant))
            {
                throw new ImportRefused($"{Which()} has a message from “{message.Role}”; only user and assistant messages can be imported.");
            }
            if (message.Content.Length > limits.MaxMessageCharacters || message.Thinking?.Length > limits.MaxMessageCharacters)
            {
                throw new ImportRefused($"{Which()} has a message of more than {limits.MaxMessageCharacters} characters.");
            }
            var parentAt = parents[i] is { } parentIndex ? stored[parentIndex] : (int?)null;
            var at = Plausible(message.CreatedAt, now) ?? (parentAt is { } p ? messages[p].CreatedAt : createdAt);
            if (parentAt is { } joined && messages[joined].Role == message.Role && children[parents[i]!.Value] == 1)
            {
                stored[i] = joined;
                var previous = messages[joined];
                messages[joined] = previous with
                {
                    Content = string.Join("\n\n", new[] { previous.Content, message.Content }.Where(c => c.Length > 0)),
                    Thinking = string.Join("\n\n", new[] { previous.Thinking, message.Thinking }.Where(t => !string.IsNullOrEmpty(t))) is { Length: > 0 } thinking ? thinking : null,
                };
                continue;
            }
            if (message.Attachments?.Any(a => a < 0 || a >= files.Count) == true)
            {
                throw new ImportRefused($"{Which()} has a message that names a file the export does not hold.");
            }
            stored[i] = messages.Count;
            messages.Add(new ChatMessage(SmailIds.New(), message.Role, message.Content, StatusOf(message), at)
            {
                Attachments = message.Attachments is { Count: > 0 } named ? [.. named.Select(a => files[a].Attachment!.Id).Distinct()] : null,
                ParentId = parentAt is { } parentOf ? messages[parentOf].Id : null,
                Thinking = string.IsNullOrEmpty(message.Thinking) ? null : message.Thinking,
                Model = message.Role == MessageRoles.Assistant && message.Model is { } m && SessionValidation.IsModelName(m) ? m : null,
                Stats = message.Stats,
                Error = message.Status == MessageStatus.Error ? message.Error ?? new MessageError("model_error", "The answer failed before it was exported.") : null,
                DoneReason = message.DoneReason,
            });
        }
        var updatedAt = Plausible(UpdatedAt, now) is { } updated && updated >= createdAt ? updated : messages.Count > 0 ? messages[^1].CreatedAt : createdAt;
        var session = new Session(SmailIds.New(), title, model, systemPrompt, createdAt, updatedAt, messages.ToImmutable())
        {
            Attachments = files.Count > 0 ? [.. files.Select(f => f.Attachment!).DistinctBy(a => a.Id)] : null,
            CurrentId = Current is { } current && current >= 0 && current < Messages.Count ? messages[stored[current]].Id : null,
            Options = Options,
            TitleSource = TitleSources.Imported,
        };
        return new CheckedImport(session, files);
    }

    /// <summary>An answer that was still being written in the file cannot be here: it stopped where the file ends.</summary>
    private static string StatusOf(ImportedMessage message) => message.Status switch
    {
        null or MessageStatus.Complete => MessageStatus.Complete,
        MessageStatus.Streaming => MessageStatus.Interrupted,
        MessageStatus.Stopped or MessageStatus.Error or MessageStatus.Interrupted => message.Status,
        _ => MessageStatus.Complete,
    };

    /// <summary>A time from a file, if it could be true: not before 2000, nor more than a day ahead of this clock.</summary>
    private static DateTimeOffset? Plausible(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } value && value.Year >= 2000 && value <= now.AddDays(1) ? value : null;
}

/// <summary>A conversation that passed every check, and the files to store before it.</summary>
internal sealed record CheckedImport(Session Session, IReadOnlyList<Attachments.Intake> Files);

/// <summary>A file as an export carries it: its name and its bytes, nothing it says about itself believed.</summary>
internal sealed record ImportedFile(string? Name, byte[] Bytes);

internal sealed record ImportedMessage(string Role, string Content, DateTimeOffset? CreatedAt)
{
    /// <summary>The positions in the conversation's <see cref="ImportedConversation.Files"/> of the files this message carried.</summary>
    public IReadOnlyList<int>? Attachments { get; init; }

    /// <summary>The position in the conversation's messages of the one this follows; when no message names one, each follows the one before.</summary>
    public int? Parent { get; init; }

    public string? Thinking { get; init; }
    public string? Model { get; init; }
    public string? Status { get; init; }
    public MessageStats? Stats { get; init; }
    public MessageError? Error { get; init; }
    public string? DoneReason { get; init; }
}

/// <summary>Why an import was refused, in words for the person who chose the file; nothing was created.</summary>
internal sealed class ImportRefused(string reason) : Exception(reason);
