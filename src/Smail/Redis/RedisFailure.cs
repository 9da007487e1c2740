using StackExchange.Redis;

namespace Smail.Redis;

/// <summary>
/// What "Redis failed" means in a catch: StackExchange.Redis reports a lost or refused connection as a
/// <see cref="RedisException"/>, but a command that timed out (a busy or paused server, a loaded machine) as a
/// <see cref="RedisTimeoutException"/>, which is a <see cref="TimeoutException"/> and not a <see cref="RedisException"/>.
/// A loop that caught only the first died on the second: a lease stopped being renewed, or a background service
/// stopped the host.
/// </summary>
internal static class RedisFailure
{
    public static bool Is(Exception exception) => exception is RedisException or RedisTimeoutException;
}
