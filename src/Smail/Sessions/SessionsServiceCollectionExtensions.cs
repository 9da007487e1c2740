namespace Smail.Sessions;

internal static class SessionsServiceCollectionExtensions
{
    public static IServiceCollection AddSessionStore(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Served to the app as ISessionStore through the change feed's notifying store (AddChangeFeed).
        services.AddSingleton<JsonFileSessionStore>();
        return services;
    }
}
