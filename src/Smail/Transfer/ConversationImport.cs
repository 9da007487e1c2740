using System.Text.Json;
using Smail.Sessions;
using Smail.Transfer.Formats;

namespace Smail.Transfer;

/// <summary>
/// Turns an export file into new conversations, or refuses it whole: which format it is, what each conversation holds,
/// and the limits (<see cref="ImportLimits"/>). Nothing is stored here; the caller stores all or none.
/// </summary>
internal static class ConversationImport
{
    public const string Formats = "a Smail export, ChatGPT's conversations.json or an Open WebUI export";

    public static IReadOnlyList<CheckedImport> Read(JsonElement root, ImportLimits limits, Attachments.AttachmentOptions files, DateTimeOffset now)
    {
        var conversations = Conversations(root);
        if (conversations.Count == 0)
        {
            throw new ImportRefused("The file holds no conversations.");
        }
        if (conversations.Count > limits.MaxConversations)
        {
            throw new ImportRefused($"The file holds {conversations.Count} conversations; an import takes at most {limits.MaxConversations}.");
        }
        return [.. conversations.Select((entry, index) => ReadOne(entry).ToSession(index + 1, limits, files, now))];
    }

    /// <summary>The file's conversations: one object, or an array of them (every export of several is an array).</summary>
    private static IReadOnlyList<JsonElement> Conversations(JsonElement root) => root.ValueKind switch
    {
        JsonValueKind.Array => [.. root.EnumerateArray()],
        JsonValueKind.Object => [root],
        _ => throw new ImportRefused($"This file is not {Formats}."),
    };

    private static ImportedConversation ReadOne(JsonElement entry)
    {
        if (SmailExportReader.Recognises(entry))
        {
            return SmailExportReader.Read(entry);
        }
        if (ChatGptExportReader.Recognises(entry))
        {
            return ChatGptExportReader.Read(entry);
        }
        if (OpenWebUiExportReader.Recognises(entry))
        {
            return OpenWebUiExportReader.Read(entry);
        }
        throw new ImportRefused($"This file is not {Formats}.");
    }
}
