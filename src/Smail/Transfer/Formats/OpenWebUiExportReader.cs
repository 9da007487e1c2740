using System.Text.Json;
using System.Text.RegularExpressions;
using Smail.Sessions;

namespace Smail.Transfer.Formats;

/// <summary>
/// Reads Open WebUI's chat export (Settings → Chats → Export, or a chat's Download → JSON): an array of
/// <c>{title, chat: {history: {messages, currentId}, messages, models, system}, created_at, updated_at}</c>. The
/// history's tree (each message's <c>parentId</c>) becomes the conversation's branches, showing the path to
/// <c>currentId</c> as Open WebUI does; without a history, the flat <c>messages</c> list is one path. Its reasoning block
/// (<c>&lt;details type="reasoning"&gt;</c>) becomes the answer's thinking.
/// </summary>
internal static partial class OpenWebUiExportReader
{
    public static bool Recognises(JsonElement entry) => entry.Object("chat") is { } chat
        && (chat.Object("history") is not null || chat.Property("messages") is { ValueKind: JsonValueKind.Array });

    public static ImportedConversation Read(JsonElement entry)
    {
        var chat = entry.Object("chat")!.Value;
        var (messages, current) = Messages(chat);
        return new ImportedConversation(entry.String("title") ?? chat.String("title"),
            chat.Array("models").FirstOrDefault() is { ValueKind: JsonValueKind.String } model ? model.GetString() : null,
            chat.String("system") ?? chat.Object("params")?.String("system"),
            entry.Time("created_at") ?? chat.Time("timestamp"), entry.Time("updated_at"), messages)
        {
            Current = current,
        };
    }

    private static (List<ImportedMessage> Messages, int? Current) Messages(JsonElement chat)
    {
        if (chat.Object("history") is not { } history || history.Object("messages") is not { } all || history.String("currentId") is not { } current)
        {
            return ([.. chat.Array("messages").Select(ReadMessage).Where(m => m is not null).Select(m => m!)], null);
        }
        var tree = new NodeTree("Open WebUI");
        foreach (var message in all.EnumerateObject())
        {
            tree.Add(message.Name, message.Value.String("parentId"), ReadMessage(message.Value));
        }
        return tree.Flatten(current);
    }

    private static ImportedMessage? ReadMessage(JsonElement message)
    {
        var role = message.String("role");
        if (role is not (MessageRoles.User or MessageRoles.Assistant) || message.String("content") is not { } content)
        {
            return null;
        }
        string? thinking = null;
        if (role == MessageRoles.Assistant && FindReasoning(content) is { Success: true } reasoning)
        {
            thinking = QuotePrefix().Replace(reasoning.Groups["thinking"].Value, "").Trim();
            content = content.Remove(reasoning.Index, reasoning.Length).Trim();
        }
        return new ImportedMessage(role, content, message.Time("timestamp"))
        {
            Model = role == MessageRoles.Assistant ? message.String("model") : null,
            Thinking = thinking,
            Status = message.Property("error") is not null && message.Property("error") is not { ValueKind: JsonValueKind.False } ? MessageStatus.Error : MessageStatus.Complete,
        };
    }

    /// <summary>The reasoning block; a hostile content that would take the pattern too long keeps its text as it is.</summary>
    private static Match? FindReasoning(string content)
    {
        try
        {
            return ReasoningBlock().Match(content);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    [GeneratedRegex("""<details type="reasoning"[^>]*>\s*<summary>.*?</summary>(?<thinking>.*?)</details>""", RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ReasoningBlock();

    [GeneratedRegex("^> ?", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex QuotePrefix();
}
