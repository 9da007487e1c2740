using Npgsql;

namespace Smail.Postgres;

internal static class PostgresServiceCollectionExtensions
{
    public const string ConnectionStringName = "Postgres";

    /// <summary>
    /// One <see cref="NpgsqlDataSource"/> (its pool) for <c>ConnectionStrings:Postgres</c>. Refuses to start without
    /// one, naming the setting. The schema is migrated at the first use, under an advisory lock.
    /// </summary>
    public static WebApplicationBuilder AddPostgres(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "Storage:Provider is postgres, so Smail needs ConnectionStrings:Postgres (an Npgsql connection string, e.g. Host=db;Username=smail;Password=…;Database=smail).");
        }
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "smail" }.Build());
        builder.Services.AddSingleton<PostgresDatabase>();
        return builder;
    }
}
