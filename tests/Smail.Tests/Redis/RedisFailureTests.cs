using Smail.Redis;
using StackExchange.Redis;

namespace Smail.Tests.Redis;

/// <summary>
/// Why <see cref="RedisFailure"/> exists: StackExchange.Redis reports a timed-out command as a TimeoutException that is
/// not a RedisException. CI on a loaded machine met one; a loop that caught only RedisException ended there.
/// </summary>
public sealed class RedisFailureTests
{
    [Fact]
    public void ATimedOutCommand_IsARedisFailure_ThoughNotARedisException()
    {
        var timeout = new RedisTimeoutException(CommandFlags.None, "Timeout awaiting response", CommandStatus.Sent);

        Assert.False(typeof(RedisException).IsAssignableFrom(typeof(RedisTimeoutException)));
        Assert.True(RedisFailure.Is(timeout));
        Assert.False(RedisFailure.Is(new InvalidOperationException("not Redis")));
    }
}
