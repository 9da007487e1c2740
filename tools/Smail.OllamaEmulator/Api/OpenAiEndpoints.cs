using System.Text.Json;
using System.Text.Json.Nodes;
using Smail.OllamaEmulator.Scripting;
using Smail.OllamaEmulator.Wire;

namespace Smail.OllamaEmulator.Api;

/// <summary>
/// The OpenAI-compatible API that vLLM, llama.cpp's server, LM Studio and the hosted services offer: GET
/// /v1/models and POST /v1/chat/completions, playing the same scripts and faults as /api/chat with the real
/// framing (<see cref="OpenAiWire"/>), an API key when one is set, and OpenAI's error bodies.
/// </summary>
internal static class OpenAiEndpoints
{
    public const string ChatPath = "/v1/chat/completions";

    public static void MapOpenAi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", ListModelsAsync);
        app.MapPost(ChatPath, ChatAsync);
    }

    private static async Task ListModelsAsync(HttpContext context, EmulatorState state)
    {
        if (!await AuthorizedAsync(context, state))
        {
            return;
        }
        if (!state.OpenAi.ListsModels)
        {
            await WriteErrorAsync(context, 404, "Not Found", null);
            return;
        }
        var models = new JsonArray([.. state.Catalog.Models.Select(m => (JsonNode)new JsonObject
        {
            ["id"] = m.Name,
            ["object"] = "model",
            ["created"] = 1_700_000_000,
            ["owned_by"] = state.OpenAi.OwnedBy,
        })]);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["object"] = "list", ["data"] = models }.ToJsonString());
    }

    private static async Task ChatAsync(HttpContext context, EmulatorState state)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var record = state.Requests.Add(ChatPath, body);
        if (!await AuthorizedAsync(context, state))
        {
            return;
        }
        OpenAiChatRequest request;
        try
        {
            request = OpenAiChatRequest.Parse(body);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(context, 400, $"Invalid JSON body: {ex.Message}", null);
            return;
        }
        if (string.IsNullOrEmpty(request.Model) || request.MessageCount == 0)
        {
            await WriteErrorAsync(context, 400, "'model' and 'messages' are required.", null);
            return;
        }
        var model = state.Catalog.Find(request.Model);
        if (model is null)
        {
            await WriteErrorAsync(context, 404, $"The model `{request.Model}` does not exist.", "model_not_found");
            return;
        }

        var script = state.Scripts.TryDequeue(out var queued)
            ? queued.After(request.Prefill)
            : GeneratedAnswer.For(request.LastUserMessage, model, state.Catalog.IsLoaded(model));
        await ScriptPlayer.PlayAsync(context, script, record, request.Stream, new OpenAiWire(request.Model, state.OpenAi, request.IncludeUsage),
            (status, message) => WriteErrorAsync(context, status, message, CodeFor(status)));
    }

    private static async Task<bool> AuthorizedAsync(HttpContext context, EmulatorState state)
    {
        if (state.OpenAi.ApiKey is not { } key || context.Request.Headers.Authorization.ToString() == $"Bearer {key}")
        {
            return true;
        }
        await WriteErrorAsync(context, 401, "Incorrect API key provided.", "invalid_api_key");
        return false;
    }

    private static string? CodeFor(int status) => status switch
    {
        401 => "invalid_api_key",
        404 => "model_not_found",
        429 => "rate_limit_exceeded",
        _ => null,
    };

    private static string TypeFor(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        _ => "server_error",
    };

    private static Task WriteErrorAsync(HttpContext context, int status, string message, string? code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(OpenAiWire.ErrorBody(message, TypeFor(status), code).ToJsonString());
    }
}

/// <summary>The parts of a Chat Completions request the emulator looks at; content may be a string or a list of parts.</summary>
internal sealed record OpenAiChatRequest(string Model, bool Stream, bool IncludeUsage, int MessageCount, string LastUserMessage)
{
    /// <summary>The content of a trailing assistant message: the text the model is asked to continue.</summary>
    public string? Prefill { get; init; }

    public static OpenAiChatRequest Parse(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("the body must be a JSON object");
        }
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var usage = root.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object
            && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;
        var count = 0;
        var lastUser = "";
        string? prefill = null;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                count++;
                var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                var text = !message.TryGetProperty("content", out var content) ? ""
                    : content.ValueKind == JsonValueKind.String ? content.GetString() ?? ""
                    : content.ValueKind == JsonValueKind.Array
                        ? string.Concat(content.EnumerateArray().Where(p => p.TryGetProperty("text", out _)).Select(p => p.GetProperty("text").GetString()))
                        : "";
                if (role == "user")
                {
                    lastUser = text;
                }
                prefill = role == "assistant" ? text : null;
            }
        }
        return new OpenAiChatRequest(model, stream, usage, count, lastUser) { Prefill = prefill };
    }
}
