using StackExchange.Redis;

namespace Smail.Redis;

internal static class RedisServiceCollectionExtensions
{
    public const string ConnectionStringName = "Redis";

    /// <summary>
    /// With <c>ConnectionStrings:Redis</c>, live generations are shared through Redis (<see cref="GenerationStreams"/>).
    /// The multiplexer does not give up when Redis is down at the start: it keeps trying in the background.
    /// </summary>
    public static WebApplicationBuilder AddRedis(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(configuration))
        {
            return builder;
        }
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = false;
            // While Redis is away a command fails at once, so a request is told so now, not after a timeout.
            options.BacklogPolicy = BacklogPolicy.FailFast;
            options.ClientName = "smail";
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddSingleton<GenerationStreams>();
        builder.Services.AddHostedService<ChangeRelay>();
        builder.Services.AddHostedService<GenerationTakeover>();
        builder.Services.AddSingleton<ClusterMetrics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterMetrics>());
        return builder;
    }
}
