using Microsoft.Extensions.Options;
using Smail.Ollama;
using Smail.OpenAi;

namespace Smail.Upstreams;

internal static class UpstreamsServiceCollectionExtensions
{
    /// <summary>The legacy upstream's name: <c>Ollama:BaseUrl</c> and <c>OLLAMA_HOST</c> keep working under it.</summary>
    public const string LegacyName = "ollama";

    /// <summary>
    /// Every <c>Upstreams:{name}</c>, each with its own HTTP client (its own connections, its key in a default
    /// header and nowhere else, and a handler that never drains an abandoned answer), behind one
    /// <see cref="RoutingUpstream"/> that the rest of Smail sees as its <see cref="IChatUpstream"/>. With no
    /// upstream configured, Smail talks to Ollama as it always did. Reads the section now, so a bad entry stops
    /// the start with its name. After AddOllama.
    /// </summary>
    public static WebApplicationBuilder AddUpstreams(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetSection(UpstreamSettings.Section).GetChildren()
            .Select(section => (Name: section.Key, Settings: section.Get<UpstreamSettings>() ?? new UpstreamSettings()))
            .ToList();
        foreach (var (name, settings) in configured)
        {
            Validate(name, settings);
            builder.Services.AddHttpClient(ClientName(name), http =>
                {
                    http.BaseAddress = WithSlash(settings.BaseUrl!);
                    http.Timeout = Timeout.InfiniteTimeSpan;
                    if (!string.IsNullOrEmpty(settings.ApiKey))
                    {
                        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", settings.ApiKey);
                    }
                })
                .ConfigurePrimaryHttpMessageHandler(sp => UpstreamHttpHandler.Create(sp.GetRequiredService<IOptions<OllamaOptions>>().Value.ConnectTimeout));
        }
        // Ollama's own settings make an upstream named "ollama" when nothing else is configured, or when they are set.
        var legacy = configured.Count == 0
            || ((!string.IsNullOrWhiteSpace(builder.Configuration["Ollama:BaseUrl"]) || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OLLAMA_HOST")))
                && configured.All(c => c.Name != LegacyName));

        builder.Services.AddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            var ollama = sp.GetRequiredService<IOptions<OllamaOptions>>();
            var upstreams = new List<NamedUpstream>();
            if (legacy)
            {
                upstreams.Add(new NamedUpstream(LegacyName, UpstreamTypes.Ollama, sp.GetRequiredService<OllamaClient>(), UpstreamContinuation.Prefill));
            }
            foreach (var (name, settings) in configured)
            {
                var http = factory.CreateClient(ClientName(name));
                upstreams.Add(new NamedUpstream(name, settings.Type, settings.Type == UpstreamTypes.OpenAi
                    ? new OpenAiChatClient(http, new OpenAiUpstreamOptions
                    {
                        Name = name,
                        BaseUrl = settings.BaseUrl,
                        Models = settings.Models,
                        VisionModels = settings.VisionModels,
                        Continuation = settings.ContinuationOrDefault,
                        ConnectTimeout = ollama.Value.ConnectTimeout,
                        FirstByteTimeout = ollama.Value.FirstByteTimeout,
                        IdleTimeout = ollama.Value.IdleTimeout,
                        RequestTimeout = ollama.Value.RequestTimeout,
                    })
                    : new OllamaClient(http, ollama, sp.GetRequiredService<ModelCapabilityCache>()),
                    settings.ContinuationOrDefault));
            }
            return new RoutingUpstream(upstreams);
        });
        builder.Services.AddSingleton<IChatUpstream>(sp => sp.GetRequiredService<RoutingUpstream>());
        return builder;
    }

    private static string ClientName(string upstream) => "upstream:" + upstream;

    private static Uri WithSlash(Uri url) => url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");

    private static void Validate(string name, UpstreamSettings settings)
    {
        if (name.Contains('/', StringComparison.Ordinal) || name.Length == 0)
        {
            throw new InvalidOperationException($"Upstreams:{name}: an upstream's name cannot contain '/', which separates it from the model's name.");
        }
        if (settings.Type is not (UpstreamTypes.Ollama or UpstreamTypes.OpenAi))
        {
            throw new InvalidOperationException($"Upstreams:{name}:Type is '{settings.Type}'; use ollama or openai.");
        }
        if (settings.ContinuationOrDefault is not (UpstreamContinuation.Prefill or UpstreamContinuation.ContinueFinalMessage or UpstreamContinuation.Restart))
        {
            throw new InvalidOperationException($"Upstreams:{name}:Continuation is '{settings.Continuation}'; use prefill, continue_final_message or restart.");
        }
        if (settings.BaseUrl is not { IsAbsoluteUri: true } url || url.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"Upstreams:{name}:BaseUrl must be an http(s) URL{(settings.Type == UpstreamTypes.OpenAi ? " ending in /v1" : "")}.");
        }
    }
}
