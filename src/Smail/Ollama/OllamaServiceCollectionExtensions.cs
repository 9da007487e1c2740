using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Smail.Ollama;

internal static class OllamaServiceCollectionExtensions
{
    public static IServiceCollection AddOllama(this IServiceCollection services)
    {
        services.AddOptions<OllamaOptions>()
            .BindConfiguration(OllamaOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelCapabilityCache>();
        // The client of the upstream named "ollama" (Ollama:BaseUrl, OLLAMA_HOST); AddUpstreams puts it behind the router.
        services.AddHttpClient<OllamaClient>((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<OllamaOptions>>().Value;
                http.BaseAddress = OllamaBaseUrl.Resolve(options.BaseUrl, Environment.GetEnvironmentVariable("OLLAMA_HOST"));
                // A stream's lifetime is governed by OllamaOptions' first-byte and idle timeouts, not by one total.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => UpstreamHttpHandler.Create(sp.GetRequiredService<IOptions<OllamaOptions>>().Value.ConnectTimeout));
        return services;
    }
}
