using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Smail.OllamaEmulator.Api;
using Smail.OllamaEmulator.Scripting;

namespace Smail.OllamaEmulator;

/// <summary>
/// A Kestrel server that speaks Ollama's native API. Tests start one per test on a free loopback port;
/// <c>dotnet run --project tools/Smail.OllamaEmulator</c> starts one on Ollama's own port.
/// </summary>
public sealed class OllamaEmulator : IAsyncDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:11434";

    private readonly WebApplication _app;
    private readonly EmulatorState _state;

    private OllamaEmulator(WebApplication app, EmulatorState state)
    {
        _app = app;
        _state = state;
    }

    public ScriptQueue Scripts => _state.Scripts;
    public RequestLog Requests => _state.Requests;
    public ModelCatalog Catalog => _state.Catalog;
    public PullSettings Pulls => _state.Pulls;

    /// <summary>How the OpenAI-compatible endpoints (/v1) behave: which server this instance plays.</summary>
    public Wire.OpenAiSettings OpenAi => _state.OpenAi;

    /// <summary>Takes the whole server down (connections dropped unanswered) or brings it back.</summary>
    public bool Down
    {
        get => _state.Down;
        set => _state.Down = value;
    }

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>()
        .Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static OllamaEmulator Create(string[] args, bool quiet = false)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        if (quiet)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }
        var state = new EmulatorState();
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (state.Down)
            {
                context.Abort();
                return;
            }
            await next(context);
        });
        app.MapPost("/api/chat", ChatEndpoint.HandleAsync);
        app.MapCatalog();
        app.MapModelManagement();
        app.MapOpenAi();
        app.MapControl();
        return new OllamaEmulator(app, state);
    }

    /// <summary>Starts an emulator on a free loopback port, for tests.</summary>
    public static async Task<OllamaEmulator> StartAsync()
    {
        var emulator = Create(["--urls", "http://127.0.0.1:0"], quiet: true);
        await emulator._app.StartAsync();
        return emulator;
    }

    public Task RunAsync() => _app.RunAsync();

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
