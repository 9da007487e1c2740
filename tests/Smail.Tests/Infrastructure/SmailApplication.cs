using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Smail.Tests.Infrastructure;

/// <summary>
/// Smail itself on a real Kestrel loopback port (not the in-memory test server, which hides disconnects),
/// with its own store folder and the given upstream.
/// </summary>
public sealed class SmailApplication : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public SmailApplication(Uri upstream, IDictionary<string, string?>? settings = null)
    {
        StorePath = Path.Combine(Path.GetTempPath(), "smail-tests", Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>
        {
            ["Ollama:BaseUrl"] = upstream.ToString(),
            ["Storage:Path"] = StorePath,
            // Configuration filters win over SetMinimumLevel; keep test output to what matters.
            ["Logging:LogLevel:Default"] = "Warning",
            // Retries as in production, only without the waiting.
            ["Resilience:RetryDelay"] = "00:00:00.010",
            ["Resilience:MaxRetryDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        // UseKestrel(0) races Kestrel's own bind in minimal-API apps (dotnet/aspnetcore#67714); a port-0 URL does not.
        _settings["urls"] = "http://127.0.0.1:0";
        UseKestrel();
    }

    public string StorePath { get; }

    /// <summary>Everything the app logged at Warning and above, with scopes.</summary>
    public CapturedLogs Logs { get; } = new();

    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(StorePath))
        {
            Directory.Delete(StorePath, recursive: true);
        }
    }
}
