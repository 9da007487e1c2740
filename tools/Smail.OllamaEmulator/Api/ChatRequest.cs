using System.Text.Json;

namespace Smail.OllamaEmulator.Api;

/// <summary>The parts of an /api/chat request the emulator looks at; like Ollama, it ignores unknown fields.</summary>
internal sealed record ChatRequest(string Model, bool Stream, bool Think, string LastUserMessage)
{
    /// <summary>The request said <c>"think": false</c>: a thinking model answers without reasoning.</summary>
    public bool ThinkOff { get; init; }

    /// <summary>The content of a trailing assistant message: the text the model is asked to continue.</summary>
    public string? Prefill { get; init; }

    public static ChatRequest Parse(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"json: cannot unmarshal {root.ValueKind.ToString().ToLowerInvariant()} into Go value of type api.ChatRequest");
        }
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        var stream = !root.TryGetProperty("stream", out var s) || s.ValueKind != JsonValueKind.False;
        var think = root.TryGetProperty("think", out var t) && (t.ValueKind == JsonValueKind.True || t.ValueKind == JsonValueKind.String);
        var lastUser = "";
        string? prefill = null;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                var isUser = message.TryGetProperty("role", out var role) && role.GetString() == "user";
                var text = message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() ?? "" : "";
                if (isUser)
                {
                    lastUser = text;
                }
                prefill = role.ValueKind == JsonValueKind.String && role.GetString() == "assistant" ? text : null;
            }
        }
        return new ChatRequest(model, stream, think, lastUser)
        {
            Prefill = prefill,
            ThinkOff = root.TryGetProperty("think", out var off) && off.ValueKind == JsonValueKind.False,
        };
    }
}
