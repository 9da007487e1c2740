using System.Text.Json;
using Smail.Sessions;

namespace Smail.Transfer.Formats;

/// <summary>Reads Smail's own export (<see cref="SmailExport"/>): everything it holds comes back.</summary>
internal static class SmailExportReader
{
    public static bool Recognises(JsonElement root) => root.String("format") == SmailExport.FormatName;

    public static ImportedConversation Read(JsonElement root)
    {
        if (root.Property("version") is not { ValueKind: JsonValueKind.Number } version || !version.TryGetInt32(out var number) || number < 1)
        {
            throw new ImportRefused("This Smail export has no version.");
        }
        if (number > SmailExport.CurrentVersion)
        {
            throw new ImportRefused($"This export was made by a newer Smail (version {number}); this one reads version {SmailExport.CurrentVersion}.");
        }
        if (root.Object("conversation") is not { } conversation)
        {
            throw new ImportRefused("This Smail export holds no conversation.");
        }
        return new ImportedConversation(
            conversation.String("title"), conversation.String("model"), conversation.String("systemPrompt"),
            conversation.Time("createdAt"), conversation.Time("updatedAt"),
            [.. conversation.Array("messages").Select(ReadMessage)])
        {
            Current = Position(conversation, "current"),
            Files = conversation.Property("files") is { ValueKind: JsonValueKind.Array } files ? [.. files.EnumerateArray().Select(ReadFile)] : null,
            Options = conversation.Object("options") is { } options
                ? options.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
                : null,
        };
    }

    private static ImportedMessage ReadMessage(JsonElement message) =>
        new(message.String("role") ?? "", message.String("content") ?? throw new ImportRefused("A message in this Smail export has no text."), message.Time("createdAt"))
        {
            Parent = Position(message, "parent"),
            Attachments = message.Property("attachments") is { ValueKind: JsonValueKind.Array } named
                ? [.. named.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var at) ? at
                    : throw new ImportRefused("A message's “attachments” in this Smail export are not files' positions."))]
                : null,
            Thinking = message.String("thinking"),
            Model = message.String("model"),
            Status = message.String("status"),
            Stats = Deserialize(message.Object("stats"), SessionJsonContext.Default.MessageStats),
            Error = Deserialize(message.Object("error"), SessionJsonContext.Default.MessageError),
            DoneReason = message.String("doneReason"),
        };

    private static ImportedFile ReadFile(JsonElement file)
    {
        try
        {
            return new ImportedFile(file.String("name"), Convert.FromBase64String(file.String("data") ?? throw new FormatException()));
        }
        catch (FormatException)
        {
            throw new ImportRefused($"A file in this Smail export (“{file.String("name")}”) has no data, or data that is not base64.");
        }
    }

    /// <summary>A message's position, as version 2 writes it; one that is not a whole number is refused.</summary>
    private static int? Position(JsonElement element, string name) => element.Property(name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var position) => position,
        _ => throw new ImportRefused($"A message's “{name}” in this Smail export is not a message's position."),
    };

    private static T? Deserialize<T>(JsonElement? element, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return element?.Deserialize(type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
