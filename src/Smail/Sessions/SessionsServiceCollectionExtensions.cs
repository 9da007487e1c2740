namespace Smail.Sessions;

internal static class SessionsServiceCollectionExtensions
{
    public static IServiceCollection AddSessionStore(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ISessionStore, JsonFileSessionStore>();
        return services;
    }
}
