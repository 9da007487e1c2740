namespace Smail.Health;

/// <summary>
/// Which Smail instance this is, for health, metrics and logs when several run: <c>Smail:Instance</c>, or this
/// machine's name and process id. It names a process, never a user or a secret.
/// </summary>
internal static class InstanceIdentity
{
    public static string Of(IConfiguration configuration) =>
        configuration["Smail:Instance"] is { Length: > 0 } configured ? configured : $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>True when other instances may share the logs and the engines: Redis is configured, or an instance named.</summary>
    public static bool IsOneOfMany(IConfiguration configuration) =>
        configuration["Smail:Instance"] is { Length: > 0 } || !string.IsNullOrEmpty(configuration.GetConnectionString(Redis.RedisServiceCollectionExtensions.ConnectionStringName));
}
