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
        services.AddSingleton<JournalWriter>();
        services.AddSingleton<AnswerJournal>();
        services.AddHostedService<JournalReplay>();
        return services;
    }
}
