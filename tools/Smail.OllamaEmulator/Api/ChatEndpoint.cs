using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.OllamaEmulator.Wire;

namespace Smail.OllamaEmulator.Api;

/// <summary>POST /api/chat: validates like Ollama, then plays the next script as NDJSON.</summary>
internal static class ChatEndpoint
{
    private static readonly TimeSpan s_defaultKeepAlive = TimeSpan.FromMinutes(5);

    public static async Task HandleAsync(HttpContext context, EmulatorState state)
    {
        var ct = context.RequestAborted;
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(ct);
        var record = state.Requests.Add("/api/chat", body);

        if (string.IsNullOrWhiteSpace(body))
        {
            await WriteErrorAsync(context, 400, "missing request body");
            return;
        }
        ChatRequest request;
        try
        {
            request = ChatRequest.Parse(body);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(context, 400, ex.Message);
            return;
        }
        if (string.IsNullOrEmpty(request.Model))
        {
            await WriteErrorAsync(context, 400, "model is required");
            return;
        }
        var model = state.Catalog.Find(request.Model);
        if (model is null)
        {
            await WriteErrorAsync(context, 404, $"model '{request.Model}' not found");
            return;
        }
        if (request.Think && !model.CanThink)
        {
            await WriteErrorAsync(context, 400, $"\"{request.Model}\" does not support thinking");
            return;
        }

        var script = state.Scripts.TryDequeue(out var queued)
            ? queued.After(request.Prefill)
            : GeneratedAnswer.For(request.LastUserMessage, model, state.Catalog.IsLoaded(model));
        if (request.ThinkOff)
        {
            script = script with { Chunks = [.. script.Chunks.Select(c => c with { Thinking = null }).Where(c => c.Content.Length > 0)] };
        }
        await ScriptPlayer.PlayAsync(context, script, record, request.Stream, new OllamaWire(request.Model),
            (status, message) => WriteErrorAsync(context, status, message),
            answering: () => state.Catalog.MarkLoaded(model, s_defaultKeepAlive));
    }

    internal static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(GoJson.Error(message));
    }
}
