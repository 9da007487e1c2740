using Smail.Sessions;

namespace Smail.Changes;

internal static class ChangesServiceCollectionExtensions
{
    /// <summary>The change feed, the store that feeds it, and the watcher of the model server. After AddSessionStore.</summary>
    public static IServiceCollection AddChangeFeed(this IServiceCollection services)
    {
        services.AddOptions<ChangesOptions>().BindConfiguration(ChangesOptions.Section);
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<ISessionStore>(sp => new NotifyingSessionStore(
            sp.GetRequiredKeyedService<ISessionStore>(SessionsServiceCollectionExtensions.BackingStore), sp.GetRequiredService<ChangeFeed>()));
        services.AddHostedService<UpstreamWatcher>();
        return services;
    }
}
