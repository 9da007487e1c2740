using System.Text;
using System.Text.Json;
using Smail.Sessions;

namespace Smail.Transfer.Formats;

/// <summary>
/// Reads ChatGPT's <c>conversations.json</c> (Settings → Data controls → Export): an array of conversations, each a
/// <c>mapping</c> of nodes that point at their <c>parent</c>, and a <c>current_node</c>. The conversation is the path
/// from the root to the current node, which is what ChatGPT itself shows. Hidden messages (the empty system message,
/// custom instructions), tool calls and tool output stay behind; the model's reasoning (<c>thoughts</c>) becomes the
/// answer's thinking.
/// </summary>
internal static class ChatGptExportReader
{
    public static bool Recognises(JsonElement conversation) => conversation.Object("mapping") is not null;

    public static ImportedConversation Read(JsonElement conversation)
    {
        var mapping = conversation.Object("mapping")!.Value;
        var path = ActivePath(mapping, conversation.String("current_node"));
        var messages = new List<ImportedMessage>();
        string? thinking = null;
        foreach (var node in path)
        {
            if (node.Object("message") is not { } message || IsHidden(message))
            {
                continue;
            }
            var role = message.Object("author")?.String("role");
            var content = message.Object("content");
            var type = content?.String("content_type");
            if (role == MessageRoles.Assistant && type == "thoughts")
            {
                thinking = string.Join("\n\n", content!.Value.Array("thoughts").Select(t => t.String("content")).Where(t => !string.IsNullOrWhiteSpace(t)));
                continue;
            }
            if (role is not (MessageRoles.User or MessageRoles.Assistant) || (message.String("recipient") ?? "all") != "all"
                || TextOf(content) is not { Length: > 0 } text)
            {
                continue;
            }
            messages.Add(new ImportedMessage(role, text, message.Time("create_time"))
            {
                Model = message.Object("metadata")?.String("model_slug"),
                Thinking = role == MessageRoles.Assistant ? thinking : null,
                Status = message.String("status") is "finished_successfully" or null ? MessageStatus.Complete : MessageStatus.Stopped,
            });
            if (role == MessageRoles.Assistant)
            {
                thinking = null;
            }
        }
        return new ImportedConversation(conversation.String("title"), conversation.String("default_model_slug"), null,
            conversation.Time("create_time"), conversation.Time("update_time"), messages);
    }

    /// <summary>
    /// The nodes from the root to <paramref name="current"/> (or, without one, to the end of the first children), in
    /// order. A file whose parents loop is refused; so is a current node the mapping does not hold.
    /// </summary>
    private static List<JsonElement> ActivePath(JsonElement mapping, string? current)
    {
        var nodes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in mapping.EnumerateObject())
        {
            nodes[property.Name] = property.Value;
        }
        current ??= LastOfFirstChildren(nodes);
        var path = new List<JsonElement>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = current; id is not null;)
        {
            if (!nodes.TryGetValue(id, out var node))
            {
                throw new ImportRefused($"This ChatGPT export points at a message it does not hold ({Shorten(id)}).");
            }
            if (!seen.Add(id))
            {
                throw new ImportRefused("This ChatGPT export's messages point at each other in a loop.");
            }
            path.Add(node);
            id = node.String("parent");
        }
        path.Reverse();
        return path;
    }

    private static string? LastOfFirstChildren(Dictionary<string, JsonElement> nodes)
    {
        var id = nodes.FirstOrDefault(n => n.Value.String("parent") is null).Key;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (id is not null && seen.Add(id) && nodes.TryGetValue(id, out var node)
            && node.Array("children").FirstOrDefault() is { ValueKind: JsonValueKind.String } child)
        {
            id = child.GetString();
        }
        return id;
    }

    private static bool IsHidden(JsonElement message) =>
        message.Object("metadata") is { } metadata && metadata.Property("is_visually_hidden_from_conversation") is { ValueKind: JsonValueKind.True };

    /// <summary>The text of a message's content: its text parts (images and other objects stay behind), or code as a fenced block.</summary>
    private static string? TextOf(JsonElement? content)
    {
        if (content is not { } value)
        {
            return null;
        }
        switch (value.String("content_type"))
        {
            case "text" or "multimodal_text":
                return string.Join("\n\n", value.Array("parts").Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!)
                    .Where(p => p.Length > 0)).Trim();
            case "code" when value.String("text") is { } code:
                var fence = new StringBuilder("```").Append(value.String("language") is { } language && language != "unknown" ? language : "").AppendLine();
                return fence.AppendLine(code.TrimEnd()).Append("```").ToString();
            default:
                return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
