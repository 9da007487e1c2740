using System.Text.Json;
using System.Text.Json.Nodes;
using Smail.OllamaEmulator.Wire;

namespace Smail.OllamaEmulator.Api;

/// <summary>Ollama's read-only endpoints: liveness, version, pulled models, loaded models, model details.</summary>
internal static class CatalogEndpoints
{
    public static void MapCatalog(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/", ["GET", "HEAD"], () => Results.Text("Ollama is running"));
        app.MapGet("/api/version", () => Json(new JsonObject { ["version"] = EmulatorState.Version }));
        app.MapGet("/api/tags", (EmulatorState state) => Json(new JsonObject
        {
            ["models"] = new JsonArray([.. state.Catalog.Models.Select(m => Describe(m, includeModified: true))]),
        }));
        app.MapGet("/api/ps", (EmulatorState state) => Json(new JsonObject
        {
            ["models"] = new JsonArray([.. state.Catalog.Loaded().Select(l =>
            {
                var entry = Describe(l.Model, includeModified: false);
                entry["expires_at"] = GoJson.Timestamp(l.ExpiresAt);
                entry["size_vram"] = l.Model.SizeBytes;
                entry["context_length"] = 4096;
                return (JsonNode)entry;
            })]),
        }));
        app.MapPost("/api/show", ShowAsync);
    }

    private static async Task ShowAsync(HttpContext context, EmulatorState state)
    {
        if (state.Catalog.ShowRouteMissing)
        {
            // What Go's router answers for a route it does not have: plain text, no JSON error.
            context.Response.StatusCode = 404;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("404 page not found\n");
            return;
        }
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException ex)
        {
            await ChatEndpoint.WriteErrorAsync(context, 400, ex.Message);
            return;
        }
        var name = body?["model"]?.GetValue<string>() ?? body?["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            await ChatEndpoint.WriteErrorAsync(context, 400, "model is required");
            return;
        }
        var model = state.Catalog.Find(name);
        if (model is null)
        {
            await ChatEndpoint.WriteErrorAsync(context, 404, $"model '{name}' not found");
            return;
        }
        await Json(new JsonObject
        {
            ["modelfile"] = $"FROM {model.Name}\n",
            ["parameters"] = "temperature 0.8",
            ["template"] = "{{ .Prompt }}",
            ["details"] = Details(model),
            ["model_info"] = new JsonObject { ["general.architecture"] = model.Family },
            ["capabilities"] = new JsonArray([.. model.Capabilities.Select(c => (JsonNode)c)]),
            ["modified_at"] = "2025-10-26T17:21:21.196249Z",
        }).ExecuteAsync(context);
    }

    private static JsonObject Describe(EmulatedModel model, bool includeModified)
    {
        var entry = new JsonObject { ["name"] = model.Name, ["model"] = model.Name };
        if (includeModified)
        {
            entry["modified_at"] = "2025-10-26T17:21:21.196249Z";
        }
        entry["size"] = model.SizeBytes;
        entry["digest"] = model.Digest;
        entry["details"] = Details(model);
        return entry;
    }

    private static JsonObject Details(EmulatedModel model) => new()
    {
        ["parent_model"] = "",
        ["format"] = "gguf",
        ["family"] = model.Family,
        ["families"] = new JsonArray(model.Family),
        ["parameter_size"] = model.ParameterSize,
        ["quantization_level"] = model.QuantizationLevel,
    };

    private static IResult Json(JsonObject body) =>
        Results.Text(body.ToJsonString(), "application/json; charset=utf-8");
}
