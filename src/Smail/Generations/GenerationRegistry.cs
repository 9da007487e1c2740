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
    /// Claims the conversation for a new generation. Returns false, with the running one, when the
    /// conversation already has one: the claim is atomic, so two simultaneous sends cannot both win.
    /// </summary>
    public bool TryBegin(
        Sessions.Session session, string assistantMessageId, string model, GenerationKind kind, out Generation generation, AnswerSeed? seed = null)
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
        _streams?.Publish(candidate);
        generation = candidate;
        changes.SessionChanged(sessionId, session.OwnerId, Changes.SessionChanges.AnswerStarted);
        return true;
    }

    public Generation? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>A generation this instance runs or ran, or, with Redis, a replica of one another instance runs or ran.</summary>
    public async Task<Generation?> FindAnywhereAsync(string id) =>
        Find(id) ?? (_streams is null || !Sessions.SmailIds.IsValid(id) ? null : await _streams.FindAsync(id));

    public Expired? FindExpired(string id) => _expired.GetValueOrDefault(id);

    public Generation? RunningIn(string sessionId) => _runningBySession.GetValueOrDefault(sessionId);

    public IReadOnlyCollection<Generation> Running => [.. _runningBySession.Values];

    /// <summary>Releases the conversation and keeps the events replayable for the retention period. Calling it again does nothing.</summary>
    public void End(Generation generation)
    {
        if (_runningBySession.TryRemove(new KeyValuePair<string, Generation>(generation.SessionId, generation)))
        {
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
