using StackExchange.Redis;
using Smail.Changes;

namespace Smail.Redis;

/// <summary>
/// Passes changes to conversations between instances on the channel <c>smail:changes</c>: a page follows a
/// conversation whose answer another instance writes, or that a tab on another instance renamed. Each instance
/// publishes its own changes and hands the others' to its change feed. A change is small: an id, its owner and what
/// changed, never text.
/// </summary>
internal sealed class ChangeRelay(IConnectionMultiplexer redis, ChangeFeed feed) : IHostedService
{
    private static readonly RedisChannel s_changes = RedisChannel.Literal("smail:changes");
    private readonly string _self = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var subscriber = redis.GetSubscriber();
        _ = LastingSubscription.SubscribeAsync(subscriber, s_changes, (_, message) =>
        {
            var parts = ((string)message!).Split('\n');
            if (parts is [var from, var id, var owner, var change] && from != _self)
            {
                feed.SessionChangedElsewhere(id, owner.Length == 0 ? null : owner, change);
            }
        }, _stopping.Token);
        feed.Shared = (id, owner, change) =>
            subscriber.Publish(s_changes, $"{_self}\n{id}\n{owner}\n{change}", CommandFlags.FireAndForget);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        feed.Shared = null;
        await _stopping.CancelAsync();
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(s_changes);
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is ObjectDisposedException)
        {
            // Away already, or its connection closed by a host that stopped first: nothing to leave.
        }
    }
}
