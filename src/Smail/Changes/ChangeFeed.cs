using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Smail.Generations;
using Smail.Json;

namespace Smail.Changes;

/// <summary>The change feed's event names and kinds of session change, defined once (the page's list is compared in ContractTests).</summary>
internal static class ChangeTypes
{
    public const string Session = "session";
    public const string Health = "health";
    public const string Title = "title";
    public const string Pull = "pull";
}

internal static class SessionChanges
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
    public const string Restored = "restored";
    public const string AnswerStarted = "answer_started";
    public const string AnswerEnded = "answer_ended";
}

internal sealed record SessionChange(string Id, string Change);

/// <summary>A title the model is writing, as far as it has got; <see cref="Done"/> with the title the conversation keeps.</summary>
internal sealed record TitleChange(string Id, string Title, bool Done);

/// <summary>The upstreams as one (reachable while any is, with the reason when none is) and each one by name.</summary>
internal sealed record HealthChange(bool UpstreamReachable, string? Error)
{
    public IReadOnlyList<UpstreamReachability> Upstreams { get; init; } = [];
}

internal sealed record UpstreamReachability(string Name, bool Reachable, string? Error);

/// <summary>
/// What changed, for every open page: conversations created, renamed, deleted or answered (told only to the
/// pages of the conversation's owner), and the model server going away or coming back (told to all). One SSE stream per page replaces polling. A change is framed
/// once and handed to every subscriber; a subscriber too slow to take 256 changes is cut off, and its page
/// reconnects and reloads what it shows, so nobody waits for it and nothing grows without bound.
/// </summary>
internal sealed class ChangeFeed
{
    private const int Backlog = 256;
    private readonly Lock _lock = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly Accounts.Ownership _ownership;
    private byte[] _health = Frame(ChangeTypes.Health, new HealthChange(true, null), SmailJsonContext.Default.HealthChange);
    private bool _closed;

    public ChangeFeed(IHostApplicationLifetime lifetime, Accounts.Ownership ownership)
    {
        _ownership = ownership;
        // A feed never ends by itself: left open, every page would hold up the shutdown for its whole timeout.
        lifetime.ApplicationStopping.Register(Close);
    }

    internal sealed record Subscriber(Channel<byte[]> Channel, Accounts.SmailUser User);

    /// <summary>A new subscriber's changes, starting with the current health; dispose to leave.</summary>
    public Subscription Subscribe(Accounts.SmailUser user)
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(Backlog) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var subscriber = new Subscriber(channel, user);
        lock (_lock)
        {
            channel.Writer.TryWrite(_health);
            if (_closed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _subscribers.Add(subscriber);
            }
        }
        return new Subscription(this, subscriber);
    }

    /// <summary>Ends every subscriber's feed, now and from now on: the server is stopping, and pages reconnect to the next one.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Channel.Writer.TryComplete();
            }
            _subscribers.Clear();
        }
    }

    /// <summary>
    /// Told of each change to a conversation made on this instance, to pass on to the other instances
    /// (<see cref="Redis.ChangeRelay"/>); set once at the start when there are others.
    /// </summary>
    public Action<string, string?, string>? Shared { get; set; }

    /// <summary>A conversation changed; <paramref name="storedOwnerId"/> is its owner as stored, and only the owner's pages hear of it.</summary>
    public void SessionChanged(string id, string? storedOwnerId, string change)
    {
        SessionChangedElsewhere(id, storedOwnerId, change);
        Shared?.Invoke(id, storedOwnerId, change);
    }

    /// <summary>A conversation changed on another instance: this instance's pages of its owner hear of it.</summary>
    public void SessionChangedElsewhere(string id, string? storedOwnerId, string change) =>
        Publish(Frame(ChangeTypes.Session, new SessionChange(id, change), SmailJsonContext.Default.SessionChange),
            subscriber => _ownership.Owns(subscriber.User, storedOwnerId));

    /// <summary>
    /// A conversation's title as the model writes it, for its owner's pages on this instance. The pages of other
    /// instances hear of the finished title as an update; only the instance that writes it shows it being written.
    /// </summary>
    public void TitleWritten(TitleChange change, string? storedOwnerId) =>
        Publish(Frame(ChangeTypes.Title, change, SmailJsonContext.Default.TitleChange), subscriber => _ownership.Owns(subscriber.User, storedOwnerId));

    /// <summary>A model's download moved on: told to admins' pages, who alone can pull.</summary>
    public void PullChanged(Models.Pulls.PullView pull) =>
        Publish(Frame(ChangeTypes.Pull, pull, SmailJsonContext.Default.PullView), subscriber => subscriber.User.IsAdmin);

    /// <summary>The model servers' reachability; published only when it changes.</summary>
    public void HealthChanged(HealthChange change)
    {
        var frame = Frame(ChangeTypes.Health, change, SmailJsonContext.Default.HealthChange);
        lock (_lock)
        {
            if (frame.AsSpan().SequenceEqual(_health))
            {
                return;
            }
            _health = frame;
        }
        Publish(frame, _ => true);
    }

    private void Publish(byte[] frame, Func<Subscriber, bool> to)
    {
        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
            {
                if (to(subscriber) && !subscriber.Channel.Writer.TryWrite(frame))
                {
                    subscriber.Channel.Writer.TryComplete();
                }
            }
        }
    }

    private void Leave(Subscriber subscriber)
    {
        lock (_lock)
        {
            _subscribers.Remove(subscriber);
        }
        subscriber.Channel.Writer.TryComplete();
    }

    private static byte[] Frame<T>(string type, T payload, JsonTypeInfo<T> info) =>
        EventFrames.Build(id: null, type, payload, info, out _, out _).ToArray();

    internal sealed class Subscription : IDisposable
    {
        private readonly ChangeFeed _feed;
        private readonly Subscriber _subscriber;

        internal Subscription(ChangeFeed feed, Subscriber subscriber) => (_feed, _subscriber) = (feed, subscriber);

        public ChannelReader<byte[]> Changes => _subscriber.Channel.Reader;

        public void Dispose() => _feed.Leave(_subscriber);
    }
}
