using Microsoft.Extensions.DependencyInjection.Extensions;
using Smail.Resilience;

namespace Smail.Generations;

internal static class GenerationsServiceCollectionExtensions
{
    public static IServiceCollection AddGenerations(this IServiceCollection services)
    {
        services.AddOptions<GenerationOptions>()
            .BindConfiguration(GenerationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddUpstreamResilience();
        services.AddSingleton<GenerationRegistry>();
        services.AddSingleton<GenerationRunner>();
        services.AddHostedService<GenerationShutdown>();
        return services;
    }
}
