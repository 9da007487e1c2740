using Smail.OllamaEmulator.Scripting;

namespace Smail.OllamaEmulator.Api;

/// <summary>
/// Not part of Ollama: lets a test in another process queue scripts and read what was received,
/// under a prefix no Ollama client would ever call.
/// </summary>
internal static class ControlEndpoints
{
    public static void MapControl(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_emulator");
        control.MapPost("/scripts", (ChatScript script, EmulatorState state) =>
        {
            state.Scripts.Enqueue(script);
            return Results.Accepted();
        });
        control.MapGet("/requests", (EmulatorState state) => state.Requests.All.Select(r => new
        {
            r.Path,
            r.Body,
            r.Disconnected,
            r.Completed,
        }));
    }
}
