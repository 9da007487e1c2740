using StackExchange.Redis;

namespace Smail.Redis;

/// <summary>
/// A subscription Smail needs for as long as it runs (stops, changes). Redis may be away when Smail starts: then it is
/// taken as soon as Redis answers, in the background, and the start does not wait. Once taken, the multiplexer
/// renews it by itself after every reconnect.
/// </summary>
internal static class LastingSubscription
{
    public static async Task SubscribeAsync(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> handler, CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await subscriber.SubscribeAsync(channel, handler);
                return;
            }
            catch (Exception ex) when (RedisFailure.Is(ex))
            {
                await Task.Delay(delay, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }
}
