using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Smail.Generations;
using StackExchange.Redis;

namespace Smail.Redis;

/// <summary>
/// Live generations shared through Redis, so any instance serves the events, resume and long poll of any of them.
/// <list type="bullet">
/// <item>The instance that runs a generation (its owner) writes each event, as it is appended, to the Redis Stream
/// <c>smail:gen:{id}</c> under the id <c>{seq}-0</c>, so the SSE <c>id:</c> stays the generation's own sequence
/// number, and publishes it on the channel of the same name. Both are fire-and-forget on the multiplexer, off the
/// token's path. The stream expires after the replay retention once the generation ends.</item>
/// <item>Another instance asked for the generation builds a replica: a <see cref="Generation"/> whose log it fills
/// from the stream (<c>XRANGE</c>) and then from the channel. It subscribes before it reads, so an event is in the
/// range or arrives by the channel; a gap (a message pub/sub dropped) is filled from the stream again. Listeners on
/// that instance read the replica exactly as they read a local generation: one subscription per generation per
/// instance, never a blocking read per listener (docs/decisions/0010-live-generations-on-redis.md).</item>
/// <item>A stop asked on any instance is published on <c>smail:stop</c>; the owner stops its generation.</item>
/// <item>A conversation's running generation is claimed in <c>smail:conv:{id}:generation</c> (<c>SET NX</c>), so only
/// one runs per conversation across the cluster. The claim has a time to live that its owner renews while it runs, so
/// the claim of an instance that died lapses by itself.</item>
/// </list>
/// </summary>
internal sealed class GenerationStreams : IDisposable
{
    private static readonly RedisChannel s_stops = RedisChannel.Literal("smail:stop");
    private readonly IConnectionMultiplexer _redis;
    private readonly ISubscriber _subscriber;
    private readonly GenerationOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<Task<Replica?>>> _replicas = new();
    private readonly CancellationTokenSource _disposed = new();
    // The generations this instance writes now, each with the gate its events pass to Redis through: what it puts
    // back into a Redis that restarted empty, with no live event slipping in between.
    private readonly ConcurrentDictionary<string, (Generation Generation, Lock Gate)> _writing = new();

    public GenerationStreams(IConnectionMultiplexer redis, IOptions<GenerationOptions> options, TimeProvider time)
    {
        _redis = redis;
        _subscriber = redis.GetSubscriber();
        _options = options.Value;
        _time = time;
        _ = LastingSubscription.SubscribeAsync(_subscriber, s_stops, (_, id) => StopRequested?.Invoke(id.ToString()), _disposed.Token);
        redis.ConnectionRestored += (_, restored) =>
        {
            if (restored.ConnectionType == ConnectionType.Interactive)
            {
                foreach (var (generation, gate) in _writing.Values)
                {
                    Republish(generation, gate);
                }
            }
        };
    }

    /// <summary>Raised with a generation's id when some instance asked to stop it; its owner stops it.</summary>
    public event Action<string>? StopRequested;

    private static RedisKey StreamKey(string id) => "smail:gen:" + id;

    private static RedisKey MetaKey(string id) => "smail:gen:" + id + ":meta";

    private static RedisChannel Channel(string id) => RedisChannel.Literal("smail:gen:" + id);

    private static RedisKey ClaimKey(string sessionId) => "smail:conv:" + sessionId + ":generation";

    private static RedisKey LeaseKey(string id) => "smail:gen:" + id + ":lease";

    /// <summary>The generations running anywhere: the ones whose lease an instance watches for.</summary>
    private static readonly RedisKey s_running = "smail:running";

    /// <summary>How long a lease lives without renewal: a dead owner's answers are taken over within this and a scan.</summary>
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(3);

    /// <summary>This instance's lease token: a lease is renewed and released only by the instance that holds it.</summary>
    private readonly string _token = Guid.NewGuid().ToString("N");

    /// <summary>How long a claim lives without renewal; renewed at a third of it while the generation runs.</summary>
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromSeconds(15);

    // Deletes or renews a claim only while it is still this generation's: never another's that followed it.
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
    private const string RenewScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

    /// <summary>
    /// Claims <paramref name="sessionId"/> for <paramref name="generationId"/> across the cluster, and keeps the claim
    /// alive until the generation ends. Null when claimed; otherwise the id of the generation that holds it.
    /// </summary>
    public async Task<string?> TryClaimAsync(string sessionId, Generation generation)
    {
        var database = _redis.GetDatabase();
        var key = ClaimKey(sessionId);
        if (!await database.StringSetAsync(key, generation.Id, ClaimLifetime, When.NotExists))
        {
            return await database.StringGetAsync(key) is { IsNull: false } holder ? holder.ToString() : await TryClaimAsync(sessionId, generation);
        }
        return null;
    }

    /// <summary>The generation that holds each conversation's claim, for those that have one.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ClaimsAsync(IReadOnlyList<string> sessionIds)
    {
        if (sessionIds.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        var values = await _redis.GetDatabase().StringGetAsync([.. sessionIds.Select(ClaimKey)]);
        return sessionIds.Zip(values).Where(p => !p.Second.IsNull).ToDictionary(p => p.First, p => p.Second.ToString());
    }

    // Every second while the generation runs here: its lease, and its conversation's claim (which a new owner keeps
    // under the same generation id).
    private async Task KeepAliveAsync(Generation generation)
    {
        var database = _redis.GetDatabase();
        var (lease, claim) = (LeaseKey(generation.Id), ClaimKey(generation.SessionId));
        using var timer = new PeriodicTimer(LeaseLifetime / 3, _time);
        while (!generation.IsFinished && await Task.WhenAny(generation.Ended, timer.WaitForNextTickAsync().AsTask()) != generation.Ended)
        {
            try
            {
                await Task.WhenAll(
                    database.ScriptEvaluateAsync(RenewScript, [lease], [_token, (long)LeaseLifetime.TotalMilliseconds]),
                    database.ScriptEvaluateAsync(RenewScript, [claim], [generation.Id, (long)ClaimLifetime.TotalMilliseconds]));
            }
            catch (Exception ex) when (RedisFailure.Is(ex))
            {
                // Redis is away: they may lapse, and the next renewal sets what is still this instance's.
            }
        }
    }

    /// <summary>The generation ended on this instance: its conversation is free across the cluster.</summary>
    public void Release(string sessionId, string generationId) =>
        _redis.GetDatabase().ScriptEvaluate(ReleaseScript, [ClaimKey(sessionId)], [generationId], CommandFlags.FireAndForget);

    /// <summary>
    /// Shares a generation this instance runs: its description now, its lease (renewed while it runs, so that another
    /// instance takes it over if this one dies), and each event as it is appended.
    /// </summary>
    public void Publish(Generation generation)
    {
        var database = _redis.GetDatabase();
        var (stream, meta, channel) = (StreamKey(generation.Id), MetaKey(generation.Id), Channel(generation.Id));
        var gate = new Lock();
        _writing[generation.Id] = (generation, gate);
        Describe(database, generation);
        generation.Appended = added =>
        {
            var data = added.Data.ToArray();
            lock (gate)
            {
                AddToStream(database, stream, added.Id, added.Type, data);
                _subscriber.Publish(channel, Frame(added.Id, added.Type, data), CommandFlags.FireAndForget);
            }
            if (added.IsFinal)
            {
                database.KeyExpire(stream, _options.ReplayRetention, CommandFlags.FireAndForget);
                database.KeyExpire(meta, _options.ReplayRetention, CommandFlags.FireAndForget);
                database.SetRemove(s_running, generation.Id, CommandFlags.FireAndForget);
                database.ScriptEvaluate(ReleaseScript, [LeaseKey(generation.Id)], [_token], CommandFlags.FireAndForget);
                _writing.TryRemove(generation.Id, out _);
            }
        };
        _ = KeepAliveAsync(generation);
    }

    // What Redis must know of a generation this instance writes: its description, its lease, that it runs.
    private void Describe(IDatabase database, Generation generation)
    {
        database.StringSet(LeaseKey(generation.Id), _token, LeaseLifetime, flags: CommandFlags.FireAndForget);
        database.SetAdd(s_running, generation.Id, CommandFlags.FireAndForget);
        database.HashSet(MetaKey(generation.Id),
        [
            new("session", generation.SessionId),
            new("message", generation.AssistantMessageId),
            new("model", generation.Model),
            new("kind", generation.Kind.ToString()),
            new("owner", generation.OwnerId ?? ""),
            new("started", generation.StartedAt.ToUnixTimeMilliseconds()),
        ], CommandFlags.FireAndForget);
    }

    /// <summary>
    /// After a reconnection: puts back what Redis may have lost of a generation this instance writes (a Redis that
    /// restarted empty, or events sent while it was away): its description, its claim, and its stream, written again
    /// whole and in order. Under the generation's gate, so no live event reaches Redis in between: one sent after the
    /// reconnection but before this would otherwise stand above the events put back, and Redis would refuse them.
    /// A replica that missed events fills the gap from the stream.
    /// </summary>
    private void Republish(Generation generation, Lock gate)
    {
        var database = _redis.GetDatabase();
        Describe(database, generation);
        database.StringSet(ClaimKey(generation.SessionId), generation.Id, ClaimLifetime, When.NotExists, CommandFlags.FireAndForget);
        lock (gate)
        {
            database.KeyDelete(StreamKey(generation.Id), CommandFlags.FireAndForget);
            foreach (var item in generation.ReadAll(0))
            {
                AddToStream(database, StreamKey(generation.Id), item.Id, item.Type, item.Data.ToArray());
            }
        }
    }

    // An event as the stream keeps it: under the entry id {seq}-0, its type and its JSON.
    private static void AddToStream(IDatabase database, RedisKey stream, long id, string type, byte[] data) =>
        database.StreamAdd(stream, [new("t", type), new("d", data)], $"{id}-0", flags: CommandFlags.FireAndForget);

    // An entry of the stream into a generation's log, if it is the log's next event.
    private static void Replicate(Generation generation, StreamEntry entry)
    {
        byte[] data = entry["d"]!;
        generation.Replicate(long.Parse(((string)entry.Id!).Split('-')[0], CultureInfo.InvariantCulture), entry["t"]!, data);
    }

    /// <summary>The generation's description as <see cref="Describe"/> wrote it; empty when Redis has none.</summary>
    private static async Task<Dictionary<string, RedisValue>> DescriptionAsync(IDatabase database, string id) =>
        (await database.HashGetAllAsync(MetaKey(id))).ToDictionary(e => e.Name.ToString(), e => e.Value);

    /// <summary>The generation <paramref name="id"/> as its description tells it, with an empty log; null for no description.</summary>
    private static Generation? Described(string id, Dictionary<string, RedisValue> meta, AnswerSeed? seed = null, Action? stopElsewhere = null) =>
        meta.Count == 0 ? null : new Generation(id, meta["session"]!, meta["message"]!, meta["model"]!,
            Enum.Parse<GenerationKind>(meta["kind"]!), DateTimeOffset.FromUnixTimeMilliseconds((long)meta["started"]), seed)
        {
            OwnerId = meta["owner"] is { IsNullOrEmpty: false } owner ? owner.ToString() : null,
            StopElsewhere = stopElsewhere,
        };

    /// <summary>Every generation running in the cluster, its owner alive or not (then it is being taken over).</summary>
    public async Task<IReadOnlySet<string>> RunningAsync() =>
        (await _redis.GetDatabase().SetMembersAsync(s_running)).Select(v => v.ToString()).ToHashSet();

    /// <summary>The running generations whose owner stopped renewing its lease: it died, or lost Redis for longer than a lease.</summary>
    public async Task<IReadOnlyList<string>> OrphansAsync()
    {
        var database = _redis.GetDatabase();
        var running = (await database.SetMembersAsync(s_running)).Select(v => v.ToString()).ToList();
        var held = await Task.WhenAll(running.Select(id => database.KeyExistsAsync(LeaseKey(id))));
        return [.. running.Where((_, i) => !held[i])];
    }

    /// <summary>
    /// Gives up a generation this instance stops writing (a graceful shutdown): no more of its events come from here,
    /// and its lease goes, so another instance takes it over at its next look. Awaited, so that every event sent before
    /// is in Redis first (one connection keeps their order).
    /// </summary>
    public async Task HandOverAsync(Generation generation)
    {
        generation.Appended = null;
        _writing.TryRemove(generation.Id, out _);
        try
        {
            await _redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [LeaseKey(generation.Id)], [_token]);
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            // Redis is away: the lease lapses by itself, and the takeover comes a little later.
        }
    }

    /// <summary>Takes a dead owner's lease: true for the one instance that gets it.</summary>
    public Task<bool> TryTakeLeaseAsync(string id) =>
        _redis.GetDatabase().StringSetAsync(LeaseKey(id), _token, LeaseLifetime, When.NotExists);

    /// <summary>
    /// The generation <paramref name="id"/> as its dead owner left it, ready to be carried on here: its events so far
    /// in its log, and its text as the answer to continue. Null when it had ended after all (then it is only tidied).
    /// </summary>
    public async Task<Generation?> PrepareTakeoverAsync(string id)
    {
        var database = _redis.GetDatabase();
        var meta = await DescriptionAsync(database, id);
        var entries = await database.StreamRangeAsync(StreamKey(id));
        // The text to carry on is what the events tell, restarts included, read as every listener reads it.
        var told = Described(id, meta);
        if (told is null || entries.Any(e => (string?)e["t"] is EventTypes.Done or EventTypes.Error))
        {
            await database.SetRemoveAsync(s_running, id);
            return null;
        }
        foreach (var entry in entries)
        {
            Replicate(told, entry);
        }
        var (content, thinking, _) = told.TextSoFar();
        var generation = Described(id, meta, new AnswerSeed(content, thinking))!;
        foreach (var entry in entries)
        {
            Replicate(generation, entry);
        }
        return generation;
    }

    /// <summary>A replica of a generation another instance runs or ran; null when Redis knows no such generation.</summary>
    public async Task<Generation?> FindAsync(string id)
    {
        var replica = _replicas.GetOrAdd(id, key => new Lazy<Task<Replica?>>(() => ReplicateAsync(key)));
        Replica? found;
        try
        {
            found = await replica.Value;
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            _replicas.TryRemove(new KeyValuePair<string, Lazy<Task<Replica?>>>(id, replica));
            throw;
        }
        if (found is null)
        {
            // Unknown now may be known a moment later (a generation just starting elsewhere): ask again next time.
            _replicas.TryRemove(new KeyValuePair<string, Lazy<Task<Replica?>>>(id, replica));
        }
        return found?.Generation;
    }

    private async Task<Replica?> ReplicateAsync(string id)
    {
        var database = _redis.GetDatabase();
        if (Described(id, await DescriptionAsync(database, id), stopElsewhere: () => _subscriber.Publish(s_stops, id, CommandFlags.FireAndForget)) is not { } generation)
        {
            return null;
        }
        var replica = new Replica(generation, database, StreamKey(id));
        // Subscribed before the backlog is read: every event is in the range, or arrives by the channel after it.
        var queue = await _subscriber.SubscribeAsync(Channel(id));
        queue.OnMessage(message => replica.OnPublishedAsync(message.Message));
        await replica.CatchUpAsync();
        _ = ForgetWhenDoneAsync(id, replica, queue);
        return replica;
    }

    // The replica stays while the generation can be replayed, as a local one does, then goes. Until the generation
    // ends it also looks at the stream every two seconds: what pub/sub lost while Redis was away, and the owner has
    // put back since (see Republish), arrives even when no new event comes to show the gap.
    private async Task ForgetWhenDoneAsync(string id, Replica replica, ChannelMessageQueue queue)
    {
        using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(2), _time))
        {
            while (await Task.WhenAny(replica.Generation.Ended, timer.WaitForNextTickAsync().AsTask()) != replica.Generation.Ended)
            {
                try
                {
                    await replica.CatchUpAsync();
                }
                catch (Exception ex) when (RedisFailure.Is(ex))
                {
                    // Away still: the next tick tries again.
                }
            }
        }
        await queue.UnsubscribeAsync();
        await Task.Delay(_options.ReplayRetention, _time);
        _replicas.TryRemove(id, out _);
    }

    private static byte[] Frame(long id, string type, byte[] data)
    {
        var head = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id}\n{type}\n"));
        return [.. head, .. data];
    }

    public void Dispose() => _disposed.Cancel();

    /// <summary>One generation's replica on this instance, and how its log is filled.</summary>
    private sealed class Replica(Generation generation, IDatabase database, RedisKey stream)
    {
        private readonly SemaphoreSlim _filling = new(1, 1);

        public Generation Generation => generation;

        public async Task OnPublishedAsync(RedisValue message)
        {
            byte[] bytes = message!;
            var first = Array.IndexOf(bytes, (byte)'\n');
            var second = Array.IndexOf(bytes, (byte)'\n', first + 1);
            var id = long.Parse(Encoding.ASCII.GetString(bytes, 0, first), CultureInfo.InvariantCulture);
            var type = Encoding.UTF8.GetString(bytes, first + 1, second - first - 1);
            await _filling.WaitAsync();
            try
            {
                if (id > generation.EventCount + 1)
                {
                    await FillFromStreamAsync(); // pub/sub dropped something: the stream has it
                }
                generation.Replicate(id, type, bytes.AsSpan(second + 1));
            }
            finally
            {
                _filling.Release();
            }
        }

        public async Task CatchUpAsync()
        {
            await _filling.WaitAsync();
            try
            {
                await FillFromStreamAsync();
            }
            finally
            {
                _filling.Release();
            }
        }

        private async Task FillFromStreamAsync()
        {
            foreach (var entry in await database.StreamRangeAsync(stream, $"{generation.EventCount + 1}-0", "+"))
            {
                GenerationStreams.Replicate(generation, entry);
            }
        }
    }
}
