using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Smail.Ollama;

namespace Smail.Tests.Infrastructure;

/// <summary>The Ollama client exactly as Smail registers it (handler, timeouts, no draining), pointed at a test upstream.</summary>
public static class OllamaClientFactory
{
    internal static (IChatUpstream Client, IDisposable Scope) Create(Uri baseUrl, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["Ollama:BaseUrl"] = baseUrl.ToString() };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddOllama()
            .BuildServiceProvider();
        return (services.GetRequiredService<OllamaClient>(), services);
    }

    /// <summary>A loopback port nothing listens on, for "connection refused".</summary>
    public static Uri RefusingAddress() => new($"http://127.0.0.1:{FreePorts.Refusing()}/");
}
