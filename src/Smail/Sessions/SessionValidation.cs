using System.Text.Json;
using System.Text.RegularExpressions;

namespace Smail.Sessions;

/// <summary>The limits on what a person can put in a conversation, each failure a code and a readable reason.</summary>
internal static partial class SessionValidation
{
    public const int MaxTitleLength = 200;
    public const int MaxSystemPromptLength = 20_000;
    public const int MaxContentLength = 100_000;
    public const int MaxOptions = 32;

    public static (string Code, string Detail)? Check(string? title, string? model, string? systemPrompt, IReadOnlyDictionary<string, JsonElement>? options)
    {
        if (title is not null && (title.Trim().Length == 0 || title.Length > MaxTitleLength))
        {
            return ("invalid_title", $"A title has 1 to {MaxTitleLength} characters.");
        }
        if (model is not null && !IsModelName(model))
        {
            return ("invalid_model", "A model name has up to 200 letters, digits and the characters . : _ / -, like 'llama3.2:3b'.");
        }
        if (systemPrompt is not null && systemPrompt.Length > MaxSystemPromptLength)
        {
            return ("invalid_system_prompt", $"A system prompt has at most {MaxSystemPromptLength} characters.");
        }
        if (options is not null && (options.Count > MaxOptions || options.Values.Any(v => v.ValueKind is JsonValueKind.Object or JsonValueKind.Undefined)))
        {
            return ("invalid_options", $"Options are at most {MaxOptions} names with numbers, strings, booleans or arrays as values, like {{\"temperature\": 0.7}}.");
        }
        return null;
    }

    public static (string Code, string Detail)? CheckContent(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return ("empty_content", "The message is empty. Type something to send.");
        }
        if (content.Length > MaxContentLength)
        {
            return ("content_too_long", $"The message has {content.Length} characters; the limit is {MaxContentLength}.");
        }
        return null;
    }

    public static bool IsModelName(string model) => ModelNamePattern().IsMatch(model);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:/\-]{0,199}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelNamePattern();
}
