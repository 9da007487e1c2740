using System.Text.Json;
using Smail.Ollama;
using Smail.Sessions;

namespace Smail.Generations;

/// <summary>
/// What the model is sent: the system prompt, then the conversation up to the answer being written, and
/// that answer's text so far when it is being continued (after a failure mid-answer, or on request):
/// Ollama continues a last assistant message instead of starting a new one.
/// </summary>
internal static class UpstreamRequestBuilder
{
    /// <summary>
    /// The conversation's (or the request's) thinking switch among its options: <c>false</c> tells a thinking model to
    /// answer without reasoning. It is Smail's, not a model option, so it is not passed on among them.
    /// </summary>
    public const string ThinkOption = "think";

    /// <param name="canThink">the model has the <c>thinking</c> capability</param>
    /// <param name="files">the files sent with the messages before the answer (<see cref="Attachments.AttachmentReader"/>)</param>
    /// <param name="canSee">the model has the <c>vision</c> capability: images go with their messages; without it they stay behind</param>
    public static UpstreamChatRequest Build(
        Session session, string assistantMessageId, string model, bool canThink, IReadOnlyDictionary<string, JsonElement>? options,
        AnswerSeed? partial = null, IReadOnlyDictionary<string, Attachments.LoadedAttachment>? files = null, bool canSee = false)
    {
        options ??= session.Options;
        bool? think = canThink ? true : null;
        if (options is not null && options.TryGetValue(ThinkOption, out var wanted))
        {
            think = canThink ? wanted.ValueKind != JsonValueKind.False : null;
            options = options.Where(o => o.Key != ThinkOption).ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        }
        var messages = new List<UpstreamMessage>();
        if (!string.IsNullOrWhiteSpace(session.SystemPrompt))
        {
            messages.Add(new UpstreamMessage(MessageRoles.System, session.SystemPrompt));
        }
        foreach (var message in new ConversationTree(session).Before(assistantMessageId))
        {
            // Failed or empty answers are not context the model should build on.
            if (message.Status == MessageStatus.Error)
            {
                continue;
            }
            if (message.Attachments is null || files is null)
            {
                if (message.Content.Length > 0)
                {
                    messages.Add(new UpstreamMessage(message.Role, message.Content));
                }
                continue;
            }
            var attached = message.Attachments.Select(files.GetValueOrDefault).OfType<Attachments.LoadedAttachment>().ToList();
            var content = WithFiles(message.Content, attached);
            var images = canSee ? attached.Where(a => a.ImageBase64 is not null).Select(a => new UpstreamImage(a.Attachment.MediaType, a.ImageBase64!)).ToList() : [];
            if (content.Length > 0 || images.Count > 0)
            {
                messages.Add(new UpstreamMessage(message.Role, content) { Images = images.Count > 0 ? images : null });
            }
        }
        if (partial is not null)
        {
            messages.Add(new UpstreamMessage(MessageRoles.Assistant, partial.Content, partial.Thinking));
        }
        return new UpstreamChatRequest(model, messages, think, options is { Count: > 0 } ? options : null);
    }

    /// <summary>The message with its text files before it, each in a <c>&lt;file name="…"&gt;</c> block the model can tell apart.</summary>
    private static string WithFiles(string content, IReadOnlyList<Attachments.LoadedAttachment> attached)
    {
        var texts = attached.Where(a => a.Text is not null).ToList();
        if (texts.Count == 0)
        {
            return content;
        }
        var text = new System.Text.StringBuilder();
        foreach (var file in texts)
        {
            text.Append("<file name=\"").Append(file.Attachment.Name.Replace("\"", "'", StringComparison.Ordinal)).AppendLine("\">")
                .AppendLine(file.Text!.TrimEnd()).AppendLine("</file>").AppendLine();
        }
        return text.Append(content).ToString();
    }
}
