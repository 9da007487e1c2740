namespace Smail.Sessions;

internal static class SessionsServiceCollectionExtensions
{
    /// <summary>The key of the store itself; the app is served it as <see cref="ISessionStore"/> through the change feed's notifying store (AddChangeFeed).</summary>
    public const string BackingStore = "backing";

    /// <summary>The JSON store, or PostgreSQL when <c>Storage:Provider</c> says so (then <c>ConnectionStrings:Postgres</c> is required).</summary>
    public static WebApplicationBuilder AddSessionStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var provider = builder.Configuration[$"{StorageOptions.Section}:Provider"] ?? StorageProviders.Json;
        if (provider == StorageProviders.Postgres)
        {
            Postgres.PostgresServiceCollectionExtensions.AddPostgres(builder);
            builder.Services.AddKeyedSingleton<ISessionStore, Postgres.PostgresSessionStore>(BackingStore);
        }
        else
        {
            builder.Services.AddKeyedSingleton<ISessionStore, JsonFileSessionStore>(BackingStore);
        }
        return builder;
    }
}
