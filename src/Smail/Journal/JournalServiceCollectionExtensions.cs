using Microsoft.Extensions.Options;
using Smail.Sessions;

namespace Smail.Journal;

internal static class JournalServiceCollectionExtensions
{
    /// <summary>The write-ahead journal, and its replay at start-up (before the server takes requests).</summary>
    public static IServiceCollection AddAnswerJournal(this IServiceCollection services)
    {
        services.AddOptions<JournalOptions>()
            .BindConfiguration(JournalOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Beside the conversations: on this instance's disk with the JSON files, in the database with PostgreSQL.
        services.AddSingleton<IJournalWriter>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProviders.Postgres
            ? ActivatorUtilities.CreateInstance<Postgres.PostgresJournalWriter>(sp)
            : ActivatorUtilities.CreateInstance<JournalWriter>(sp));
        services.AddSingleton<IJournalLines>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProviders.Postgres
            ? ActivatorUtilities.CreateInstance<Postgres.PostgresJournalLines>(sp)
            : ActivatorUtilities.CreateInstance<JournalFiles>(sp));
        services.AddSingleton<AnswerJournal>();
        services.AddHostedService<JournalReplay>();
        return services;
    }
}
