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
    public static UpstreamChatRequest Build(
        Session session, string assistantMessageId, string model, bool canThink, IReadOnlyDictionary<string, JsonElement>? options,
        AnswerSeed? partial = null)
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
            if (message.Content.Length > 0 && message.Status != MessageStatus.Error)
            {
                messages.Add(new UpstreamMessage(message.Role, message.Content));
            }
        }
        if (partial is not null)
        {
            messages.Add(new UpstreamMessage(MessageRoles.Assistant, partial.Content, partial.Thinking));
        }
        return new UpstreamChatRequest(model, messages, think, options is { Count: > 0 } ? options : null);
    }
}
