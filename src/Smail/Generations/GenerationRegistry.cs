using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Smail.Generations;

/// <summary>
/// The generations the server knows: running ones (at most one per conversation) and finished ones,
/// kept for <see cref="GenerationOptions.ReplayRetention"/> so late or reconnecting listeners can replay them.
/// With Redis, the generations this instance runs are shared, and another instance's are found there
/// (<see cref="Redis.GenerationStreams"/>).
/// </summary>
internal sealed class GenerationRegistry
{
    private readonly IOptions<GenerationOptions> options;
    private readonly TimeProvider time;
    private readonly Changes.ChangeFeed changes;
    private readonly Redis.GenerationStreams? _streams;

    public GenerationRegistry(IOptions<GenerationOptions> options, TimeProvider time, Changes.ChangeFeed changes, Redis.GenerationStreams? streams = null)
    {
        this.options = options;
        this.time = time;
        this.changes = changes;
        _streams = streams;
        if (streams is not null)
        {
            // A stop asked on another instance, for a generation this one runs.
            streams.StopRequested += id => Find(id)?.Stop();
        }
    }

    private readonly ConcurrentDictionary<string, Generation> _byId = new();
    private readonly ConcurrentDictionary<string, Generation> _runningBySession = new();
    // Ids of generations no longer replayable, so a late client hears "gone" rather than "never existed".
    private readonly ConcurrentDictionary<string, Expired> _expired = new();
    private static readonly TimeSpan s_rememberExpired = TimeSpan.FromDays(1);

    /// <summary>Where to find the answer of a generation that is no longer replayable.</summary>
    internal sealed record Expired(string SessionId, string MessageId, string? OwnerId, DateTimeOffset At);

    /// <summary>
    /// Claims the conversation for a new generation, on this instance and, with Redis, across the cluster. Returns
    /// null with the id of the running one when the conversation already has one: each claim is atomic, so two
    /// simultaneous sends cannot both win, on one instance or on two.
    /// </summary>
    public async Task<(Generation? Started, string? RunningId)> TryBeginAsync(
        Sessions.Session session, string assistantMessageId, string model, GenerationKind kind, AnswerSeed? seed = null)
    {
        if (!TryBegin(session, assistantMessageId, model, kind, out var generation, seed, announce: _streams is null))
        {
            return (null, generation.Id);
        }
        if (_streams is not null)
        {
            string? elsewhere;
            try
            {
                elsewhere = await _streams.TryClaimAsync(session.Id, generation);
            }
            catch (Exception ex) when (Redis.RedisFailure.Is(ex))
            {
                // Without Redis, no instance can know whether another runs an answer here: no new answer starts.
                Forget(generation);
                throw Sessions.StorageException.Redis(ex);
            }
            if (elsewhere is not null)
            {
                Forget(generation);
                return (null, elsewhere);
            }
            _streams.Publish(generation);
            changes.SessionChanged(session.Id, session.OwnerId, Changes.SessionChanges.AnswerStarted);
        }
        return (generation, null);
    }

    /// <summary>Takes in a generation another instance ran and this one carries on; false when its conversation has one running here.</summary>
    public bool TryAdopt(Generation generation)
    {
        if (!_runningBySession.TryAdd(generation.SessionId, generation))
        {
            return false;
        }
        _byId[generation.Id] = generation;
        return true;
    }

    /// <summary>Whether running generations can be handed to another instance at shutdown, instead of being interrupted.</summary>
    public bool CanHandOff => _streams is not null;

    /// <summary>
    /// A generation this instance stops writing so another carries it on: it leaves this instance (finding it goes to
    /// Redis from now on), its conversation stays claimed for the one that takes it, and its lease goes.
    /// </summary>
    public async Task HandOverAsync(Generation generation)
    {
        Forget(generation);
        if (_streams is not null)
        {
            await _streams.HandOverAsync(generation);
        }
        generation.Abandon();
    }

    private void Forget(Generation generation)
    {
        _runningBySession.TryRemove(new KeyValuePair<string, Generation>(generation.SessionId, generation));
        _byId.TryRemove(generation.Id, out _);
    }

    private bool TryBegin(
        Sessions.Session session, string assistantMessageId, string model, GenerationKind kind, out Generation generation, AnswerSeed? seed, bool announce)
    {
        var sessionId = session.Id;
        var candidate = new Generation(Sessions.SmailIds.New(), sessionId, assistantMessageId, model, kind, time.GetUtcNow(), seed)
        {
            OwnerId = session.OwnerId,
        };
        var winner = _runningBySession.GetOrAdd(sessionId, candidate);
        if (!ReferenceEquals(winner, candidate))
        {
            generation = winner;
            return false;
        }
        _byId[candidate.Id] = candidate;
        generation = candidate;
        if (announce)
        {
            changes.SessionChanged(sessionId, session.OwnerId, Changes.SessionChanges.AnswerStarted);
        }
        return true;
    }

    public Generation? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>A generation this instance runs or ran, or, with Redis, a replica of one another instance runs or ran.</summary>
    public async Task<Generation?> FindAnywhereAsync(string id)
    {
        if (Find(id) is { } local)
        {
            return local;
        }
        if (_streams is null || !Sessions.SmailIds.IsValid(id))
        {
            return null;
        }
        try
        {
            return await _streams.FindAsync(id);
        }
        catch (Exception ex) when (Redis.RedisFailure.Is(ex))
        {
            throw Sessions.StorageException.Redis(ex);
        }
    }

    public Expired? FindExpired(string id) => _expired.GetValueOrDefault(id);

    public Generation? RunningIn(string sessionId) => _runningBySession.GetValueOrDefault(sessionId);

    /// <summary>The generation running in the conversation, on this instance or, with Redis, on another (as a replica).</summary>
    public async Task<Generation?> RunningAnywhereAsync(string sessionId)
    {
        if (RunningIn(sessionId) is { } local)
        {
            return local;
        }
        if (_streams is null)
        {
            return null;
        }
        try
        {
            return (await _streams.ClaimsAsync([sessionId])).TryGetValue(sessionId, out var id) ? await FindAnywhereAsync(id) : null;
        }
        catch (Exception ex) when (Redis.RedisFailure.Is(ex) || ex is Sessions.StorageException)
        {
            return null; // Without Redis, a conversation still reads; what runs elsewhere is unknown.
        }
    }

    /// <summary>The id of the generation running in each of the conversations that has one, on any instance.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RunningIdsAsync(IReadOnlyList<string> sessionIds)
    {
        var running = sessionIds.Select(id => (id, RunningIn(id)?.Id)).Where(p => p.Item2 is not null).ToDictionary(p => p.id, p => p.Item2!);
        if (_streams is not null)
        {
            try
            {
                foreach (var (session, generation) in await _streams.ClaimsAsync([.. sessionIds.Where(id => !running.ContainsKey(id))]))
                {
                    running[session] = generation;
                }
            }
            catch (Exception ex) when (Redis.RedisFailure.Is(ex))
            {
                // Without Redis the list still shows; only this instance's answers are known to be running.
            }
        }
        return running;
    }

    public IReadOnlyCollection<Generation> Running => [.. _runningBySession.Values];

    /// <summary>Releases the conversation and keeps the events replayable for the retention period. Calling it again does nothing.</summary>
    public void End(Generation generation)
    {
        if (_runningBySession.TryRemove(new KeyValuePair<string, Generation>(generation.SessionId, generation)))
        {
            _streams?.Release(generation.SessionId, generation.Id);
            changes.SessionChanged(generation.SessionId, generation.OwnerId, Changes.SessionChanges.AnswerEnded);
            _ = ExpireAfterRetentionAsync(generation);
        }
    }

    private async Task ExpireAfterRetentionAsync(Generation generation)
    {
        await Task.Delay(options.Value.ReplayRetention, time);
        var now = time.GetUtcNow();
        // Known as expired before it stops being found: a request in between hears 410, never a 404 (seen in CI).
        _expired[generation.Id] = new Expired(generation.SessionId, generation.AssistantMessageId, generation.OwnerId, now);
        if (!_byId.TryRemove(new KeyValuePair<string, Generation>(generation.Id, generation)))
        {
            return;
        }
        foreach (var (id, expired) in _expired)
        {
            if (now - expired.At > s_rememberExpired)
            {
                _expired.TryRemove(id, out _);
            }
        }
    }
}
