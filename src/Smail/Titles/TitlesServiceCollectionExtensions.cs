namespace Smail.Titles;

internal static class TitlesServiceCollectionExtensions
{
    public static IServiceCollection AddTitles(this IServiceCollection services)
    {
        services.AddOptions<TitleOptions>().BindConfiguration(TitleOptions.Section);
        services.AddSingleton<TitleWriter>();
        return services;
    }
}
