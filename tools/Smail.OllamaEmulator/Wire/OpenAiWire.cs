using System.Globalization;
using System.Text.Json.Nodes;

namespace Smail.OllamaEmulator.Wire;

/// <summary>
/// OpenAI-compatible Chat Completions streaming, as vLLM, llama.cpp's server, LM Studio and the hosted APIs send
/// it: <c>data:</c> events of <c>chat.completion.chunk</c> objects, a role-only first delta, the text in
/// <c>choices[0].delta.content</c>, reasoning in <c>reasoning_content</c> (or <c>reasoning</c>), then a chunk
/// with <c>finish_reason</c>, a <c>usage</c> chunk with no choices when asked for, and <c>data: [DONE]</c>.
/// </summary>
internal sealed class OpenAiWire(string model, OpenAiSettings settings, bool includeUsage) : IChatWire
{
    private readonly string _id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..24];
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public string ContentType => "text/event-stream; charset=utf-8";

    public string Start() => Event(ChunkObject(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));

    public string Chunk(string content, string? thinking)
    {
        var delta = new JsonObject();
        if (!string.IsNullOrEmpty(thinking))
        {
            delta[settings.ReasoningField] = thinking;
        }
        if (content.Length > 0 || string.IsNullOrEmpty(thinking))
        {
            delta["content"] = content;
        }
        return Event(ChunkObject(delta, null));
    }

    public string ErrorInStream(string message) => Event(ErrorBody(message, "server_error", null));

    public string Malformed() => "data: {\"id\":\"broken\",\"choices\":[{\"delta\":\n\n";

    public string End(string doneReason, ChatMetrics metrics)
    {
        var end = Event(ChunkObject(new JsonObject(), doneReason));
        if (includeUsage)
        {
            var usage = ChunkObject(null, null);
            usage["choices"] = new JsonArray();
            usage["usage"] = Usage(metrics);
            end += Event(usage);
        }
        return end + "data: [DONE]\n\n";
    }

    public string Whole(string content, string thinking, string doneReason, ChatMetrics metrics)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (thinking.Length > 0)
        {
            message[settings.ReasoningField] = thinking;
        }
        return new JsonObject
        {
            ["id"] = _id,
            ["object"] = "chat.completion",
            ["created"] = _created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = doneReason }),
            ["usage"] = Usage(metrics),
        }.ToJsonString();
    }

    /// <summary>The error body OpenAI-compatible servers answer with: <c>{"error": {"message", "type", "code"}}</c>.</summary>
    public static JsonObject ErrorBody(string message, string type, string? code) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = code } };

    private JsonObject ChunkObject(JsonObject? delta, string? finishReason)
    {
        var chunk = new JsonObject
        {
            ["id"] = _id,
            ["object"] = "chat.completion.chunk",
            ["created"] = _created,
            ["model"] = model,
        };
        if (delta is not null)
        {
            chunk["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason });
        }
        return chunk;
    }

    private static JsonObject Usage(ChatMetrics metrics) => new()
    {
        ["prompt_tokens"] = metrics.PromptEvalCount,
        ["completion_tokens"] = metrics.EvalCount,
        ["total_tokens"] = metrics.PromptEvalCount + metrics.EvalCount,
    };

    private static string Event(JsonNode payload) => string.Create(CultureInfo.InvariantCulture, $"data: {payload.ToJsonString()}\n\n");
}

/// <summary>Which OpenAI-compatible server this emulator plays (a second instance can play another).</summary>
public sealed class OpenAiSettings
{
    /// <summary>Required as <c>Authorization: Bearer …</c> on /v1 when set; 401 <c>invalid_api_key</c> otherwise.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>reasoning_content</c> (vLLM, llama.cpp, DeepSeek) or <c>reasoning</c> (OpenRouter, Ollama's /v1).</summary>
    public string ReasoningField { get; set; } = "reasoning_content";

    /// <summary>What <c>owned_by</c> says in /v1/models, so two instances can be told apart.</summary>
    public string OwnedBy { get; set; } = "vllm";

    /// <summary>False plays a server without a usable /v1/models (404), as some do.</summary>
    public bool ListsModels { get; set; } = true;
}
