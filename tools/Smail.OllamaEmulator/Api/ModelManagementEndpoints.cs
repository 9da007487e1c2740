using System.Text.Json;
using System.Text.Json.Nodes;

namespace Smail.OllamaEmulator.Api;

/// <summary>
/// Ollama's /api/pull (NDJSON progress: the manifest, each layer's bytes, verifying, writing, success; an unknown
/// model is an error line, as Ollama sends it) and /api/delete.
/// </summary>
internal static class ModelManagementEndpoints
{
    public static void MapModelManagement(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/pull", PullAsync);
        app.MapDelete("/api/delete", DeleteAsync);
    }

    private static async Task PullAsync(HttpContext context, EmulatorState state)
    {
        var (name, body) = await ReadNameAsync(context);
        var record = state.Requests.Add("/api/pull", body);
        var ct = context.RequestAborted;
        var settings = state.Pulls;
        using var _ = ct.Register(record.MarkDisconnected);
        if (name is null)
        {
            await ChatEndpoint.WriteErrorAsync(context, 400, "model is required");
            return;
        }
        context.Response.ContentType = "application/x-ndjson";
        async Task LineAsync(JsonObject line)
        {
            await context.Response.WriteAsync(line.ToJsonString() + "\n", ct);
            await context.Response.Body.FlushAsync(ct);
        }
        try
        {
            await LineAsync(new JsonObject { ["status"] = "pulling manifest" });
            var fullName = name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest";
            var model = settings.Registry.FirstOrDefault(m => string.Equals(m.Name, fullName, StringComparison.OrdinalIgnoreCase));
            if (model is null)
            {
                await LineAsync(new JsonObject { ["error"] = "pull model manifest: file does not exist" });
                return;
            }
            // Two layers, as most models have: the weights, and a small one (template, license, params).
            var layers = new[] { (Digest: "sha256:" + model.Digest, Size: model.SizeBytes - 12_288), (Digest: "sha256:" + new string('e', 64), Size: 12_288L) };
            var sent = 0;
            foreach (var (digest, size) in layers)
            {
                for (var step = 1; step <= settings.Steps; step++)
                {
                    await LineAsync(new JsonObject
                    {
                        ["status"] = $"pulling {digest[7..19]}", ["digest"] = digest, ["total"] = size, ["completed"] = size * step / settings.Steps,
                    });
                    sent++;
                    if (sent == settings.DropAfterSteps)
                    {
                        context.Abort();
                        return;
                    }
                    if (sent == 1 && settings.Hold is { } hold)
                    {
                        // As a slow download does: the same progress again and again until the test lets it go on.
                        while (!hold.IsCompleted)
                        {
                            await Task.WhenAny(hold, Task.Delay(50, ct));
                            await LineAsync(new JsonObject { ["status"] = $"pulling {digest[7..19]}", ["digest"] = digest, ["total"] = size, ["completed"] = size / settings.Steps });
                        }
                    }
                    await Task.Delay(settings.StepDelay, ct);
                }
            }
            await LineAsync(new JsonObject { ["status"] = "verifying sha256 digest" });
            await LineAsync(new JsonObject { ["status"] = "writing manifest" });
            lock (state.Catalog.Models)
            {
                if (state.Catalog.Find(model.Name) is null)
                {
                    state.Catalog.Models.Add(model);
                }
            }
            await LineAsync(new JsonObject { ["status"] = "success" });
            record.MarkCompleted();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left: by the abort token, or by a write that found the connection gone before the token fired.
            record.MarkDisconnected();
        }
    }

    private static async Task DeleteAsync(HttpContext context, EmulatorState state)
    {
        var (name, body) = await ReadNameAsync(context);
        state.Requests.Add("/api/delete", body);
        var model = name is null ? null : state.Catalog.Find(name);
        if (model is null)
        {
            await ChatEndpoint.WriteErrorAsync(context, 404, $"model '{name}' not found");
            return;
        }
        lock (state.Catalog.Models)
        {
            state.Catalog.Models.Remove(model);
        }
        context.Response.StatusCode = 200;
    }

    private static async Task<(string? Name, string Body)> ReadNameAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        try
        {
            var json = JsonNode.Parse(body);
            return (json?["model"]?.GetValue<string>() ?? json?["name"]?.GetValue<string>(), body);
        }
        catch (JsonException)
        {
            return (null, body);
        }
    }
}
