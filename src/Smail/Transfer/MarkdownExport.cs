using System.Globalization;
using System.Text;
using Smail.Sessions;

namespace Smail.Transfer;

/// <summary>
/// A conversation as a Markdown document to read or share: the title, then each turn under a heading that says who
/// wrote it, along the versions the conversation shows (the JSON export keeps the others). Messages are Markdown already
/// and go in as they are; thinking goes in a collapsed <c>&lt;details&gt;</c>.
/// </summary>
internal static class MarkdownExport
{
    public static string Of(Session session)
    {
        var text = new StringBuilder();
        text.Append("# ").AppendLine(OneLine(session.Title)).AppendLine();
        var about = new List<string>();
        if (session.Model is { } model)
        {
            about.Add($"Model: `{model}`");
        }
        about.Add("Started " + session.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        text.AppendLine(string.Join(" · ", about)).AppendLine();
        if (session.SystemPrompt is { } systemPrompt)
        {
            text.AppendLine("## System prompt").AppendLine().AppendLine(systemPrompt.Trim()).AppendLine();
        }
        foreach (var message in new ConversationTree(session).Path)
        {
            text.Append("## ").AppendLine(Heading(message)).AppendLine();
            if (!string.IsNullOrWhiteSpace(message.Thinking))
            {
                text.AppendLine("<details><summary>Thinking</summary>").AppendLine()
                    .AppendLine(message.Thinking.Trim()).AppendLine().AppendLine("</details>").AppendLine();
            }
            if (message.Attachments?.Select(session.FindAttachment).OfType<Attachments.Attachment>().ToList() is { Count: > 0 } files)
            {
                // Named, not included: a Markdown file cannot carry them (the JSON export does).
                text.Append("_Files: ").AppendJoin(", ", files.Select(f => $"`{f.Name.Replace("`", "'", StringComparison.Ordinal)}`")).AppendLine("_").AppendLine();
            }
            text.AppendLine(message.Content.TrimEnd()).AppendLine();
            if (Ending(message) is { } ending)
            {
                text.Append('_').Append(ending).Append('_').AppendLine().AppendLine();
            }
        }
        return text.ToString();
    }

    private static string Heading(ChatMessage message) => message.Role switch
    {
        MessageRoles.User => "You",
        MessageRoles.Assistant => message.Model is { } model ? $"Assistant ({model})" : "Assistant",
        _ => "System",
    };

    private static string? Ending(ChatMessage message) => message.Status switch
    {
        MessageStatus.Stopped => "Stopped before the end.",
        MessageStatus.Interrupted => "Interrupted before the end.",
        MessageStatus.Streaming => "Still being written when exported.",
        MessageStatus.Error => "Failed: " + OneLine(message.Error?.Message ?? "an error"),
        _ => null,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
