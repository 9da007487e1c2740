using System.Text.Json;

namespace Smail.OpenAi;

/// <summary>
/// One <c>data:</c> payload of a Chat Completions stream, read in place: the first choice's delta (text, and
/// reasoning as <c>reasoning_content</c> or <c>reasoning</c>), its <c>finish_reason</c>, <c>usage</c>, or an
/// <c>error</c> object, which some servers send inside a 200 stream instead of failing the request.
/// </summary>
internal readonly record struct OpenAiChunk(string? Content, string? Reasoning, string? FinishReason, OpenAiUsage? Usage, string? Error)
{
    /// <summary>Reads one payload; throws <see cref="JsonException"/> when it is not a JSON object.</summary>
    public static OpenAiChunk Read(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A stream event is not a JSON object.");
        }
        if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) ? m.GetString() : error.ToString();
            return new OpenAiChunk(null, null, null, null, string.IsNullOrWhiteSpace(message) ? "unknown error" : message);
        }
        string? content = null, reasoning = null, finish = null;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
            {
                content = StringOrNull(delta, "content");
                reasoning = StringOrNull(delta, "reasoning_content") ?? StringOrNull(delta, "reasoning");
            }
            finish = StringOrNull(choice, "finish_reason");
        }
        OpenAiUsage? usage = null;
        if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
        {
            usage = new OpenAiUsage(IntOrZero(u, "prompt_tokens"), IntOrZero(u, "completion_tokens"));
        }
        return new OpenAiChunk(content, reasoning, finish, usage, null);
    }

    private static string? StringOrNull(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int IntOrZero(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : 0;
}

internal sealed record OpenAiUsage(int PromptTokens, int CompletionTokens);
