using System.Text;
using System.Text.Json;
using Smail.Sessions;

namespace Smail.Transfer.Formats;

/// <summary>
/// Reads ChatGPT's <c>conversations.json</c> (Settings → Data controls → Export): an array of conversations, each a
/// <c>mapping</c> of nodes that point at their <c>parent</c>, and a <c>current_node</c>. The tree becomes the
/// conversation's branches, showing the path to the current node, as ChatGPT itself does. Hidden messages (the empty system message,
/// custom instructions), tool calls and tool output stay behind; the model's reasoning (<c>thoughts</c>) becomes the
/// answer's thinking.
/// </summary>
internal static class ChatGptExportReader
{
    public static bool Recognises(JsonElement conversation) => conversation.Object("mapping") is not null;

    public static ImportedConversation Read(JsonElement conversation)
    {
        var nodes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in conversation.Object("mapping")!.Value.EnumerateObject())
        {
            nodes[property.Name] = property.Value;
        }
        var tree = new NodeTree("ChatGPT");
        foreach (var (id, node) in nodes)
        {
            tree.Add(id, node.String("parent"), ReadMessage(node, nodes));
        }
        var (messages, current) = tree.Flatten(conversation.String("current_node") ?? LastOfFirstChildren(nodes));
        return new ImportedConversation(conversation.String("title"), conversation.String("default_model_slug"), null,
            conversation.Time("create_time"), conversation.Time("update_time"), messages)
        {
            Current = current,
        };
    }

    /// <summary>The node's message, or null when it stays behind (hidden, reasoning, a tool's, or without text).</summary>
    private static ImportedMessage? ReadMessage(JsonElement node, Dictionary<string, JsonElement> nodes)
    {
        if (node.Object("message") is not { } message || IsHidden(message))
        {
            return null;
        }
        var role = message.Object("author")?.String("role");
        var content = message.Object("content");
        if (role is not (MessageRoles.User or MessageRoles.Assistant) || (message.String("recipient") ?? "all") != "all"
            || content?.String("content_type") == "thoughts" || TextOf(content) is not { Length: > 0 } text)
        {
            return null;
        }
        return new ImportedMessage(role, text, message.Time("create_time"))
        {
            Model = message.Object("metadata")?.String("model_slug"),
            Thinking = role == MessageRoles.Assistant ? ThoughtsBefore(node, nodes) : null,
            Status = message.String("status") is "finished_successfully" or null ? MessageStatus.Complete : MessageStatus.Stopped,
        };
    }

    /// <summary>
    /// The reasoning ChatGPT wrote before an answer: the <c>thoughts</c> node among the nodes between the answer and the
    /// message before it.
    /// </summary>
    private static string? ThoughtsBefore(JsonElement answer, Dictionary<string, JsonElement> nodes)
    {
        var seen = 0;
        for (var id = answer.String("parent"); id is not null && seen++ < 16 && nodes.TryGetValue(id, out var node); id = node.String("parent"))
        {
            var message = node.Object("message");
            var content = message?.Object("content");
            if (content?.String("content_type") == "thoughts")
            {
                return string.Join("\n\n", content.Value.Array("thoughts").Select(t => t.String("content")).Where(t => !string.IsNullOrWhiteSpace(t)));
            }
            if (message?.Object("author")?.String("role") == MessageRoles.User)
            {
                return null;
            }
        }
        return null;
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

}
