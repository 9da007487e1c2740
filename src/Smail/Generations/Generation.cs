using Smail.Json;
using Smail.Ollama;
using Smail.Sessions;

namespace Smail.Generations;

/// <summary>
/// One answer being written, owned by the server rather than by any connection. It owns the answer's text,
/// status and event log, and has one writer: its runner, which calls the methods under "Writing" in
/// order. Everyone else reads the immutable events (listeners, replays, the conversation view).
/// </summary>
internal sealed class Generation(
    string id, string sessionId, string assistantMessageId, string model, GenerationKind kind, DateTimeOffset startedAt, AnswerSeed? seed = null)
{
    private readonly EventLog _log = new();
    // Never disposed: a /stop may arrive at any moment, even after the generation has expired.
    private readonly CancellationTokenSource _stop = new();
    private readonly Answer _answer = new(seed);
    private readonly long _startedTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
    private string? _announced;
    private string? _lastRetryReason;
    private bool _restartPending;

    public string Id { get; } = id;
    public string SessionId { get; } = sessionId;
    public string AssistantMessageId { get; } = assistantMessageId;
    public string Model { get; } = model;
    public GenerationKind Kind { get; } = kind;
    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>Its conversation's owner as stored: only they may listen to it or stop it.</summary>
    public string? OwnerId { get; init; }

    /// <summary>For a continuation, the stored text it carries on from.</summary>
    public AnswerSeed? Seed { get; } = seed;

    /// <summary>Cancelled by <see cref="Stop"/> and <see cref="Interrupt"/>; the runner passes it to the upstream request.</summary>
    public CancellationToken StopToken => _stop.Token;
    public bool StopRequested => _stop.IsCancellationRequested;

    /// <summary>True when the server, not a person, stopped it: the answer is stored as interrupted.</summary>
    public bool Interrupted { get; private set; }

    /// <summary>
    /// A replica's: how a stop asked on this instance reaches the one that runs the generation. A replica has no
    /// runner of its own; its events come from the owner (<see cref="Replicate"/>).
    /// </summary>
    public Action? StopElsewhere { get; init; }

    public bool IsReplica => StopElsewhere is not null;

    public void Stop()
    {
        if (StopElsewhere is { } elsewhere)
        {
            elsewhere();
        }
        else
        {
            _stop.Cancel();
        }
    }

    /// <summary>Told of every event as it is added, in order: how other instances hear of them.</summary>
    public Action<GenerationEvent>? Appended
    {
        set => _log.Appended = value;
    }

    /// <summary>The events so far; the next one's id is this plus one.</summary>
    public long EventCount => _log.Count;

    /// <summary>A replica's next event, as the owner framed it; false when it is not the next one (a duplicate, or after a gap).</summary>
    public bool Replicate(long id, string type, ReadOnlySpan<byte> json) => _log.TryAppendRaw(id, type, json);

    /// <summary>Stops it because the server is shutting down.</summary>
    public void Interrupt()
    {
        Interrupted = true;
        _stop.Cancel();
    }

    /// <summary>True when this instance stopped writing it so that another carries it on (a graceful shutdown with Redis).</summary>
    public bool HandedOff { get; private set; }

    /// <summary>Stops writing it here, for another instance to carry on from its stream: no final event, nothing stored as interrupted.</summary>
    public void HandOff()
    {
        HandedOff = true;
        _stop.Cancel();
    }

    /// <summary>Ends this instance's part: its listeners' streams end without a final event, and they resume elsewhere.</summary>
    public void Abandon() => _log.Abandon();

    // Reading: safe from any thread.

    public bool IsFinished => _log.IsFinished;

    /// <summary>Completes when the final event (done or error) has been appended.</summary>
    public Task Ended => _log.Ended;

    /// <summary>Events after <paramref name="afterId"/>, up to the end of a block of the log: read again until none come.</summary>
    public (ArraySegment<GenerationEvent> Events, bool Ended) Read(long afterId) => _log.Read(afterId);

    public IEnumerable<GenerationEvent> ReadAll(long afterId) => _log.ReadAll(afterId);

    public Task<bool> WaitForEventsAsync(long afterId, TimeSpan timeout, CancellationToken cancellationToken) =>
        _log.WaitForEventsAsync(afterId, timeout, cancellationToken);

    /// <summary>Completes when there is an event after <paramref name="afterId"/> or the generation has ended; cheap, no timer.</summary>
    public Task WhenAppendedAfter(long afterId) => _log.WhenAppendedAfter(afterId);

    /// <summary>The answer as listeners have seen it so far; no text yet for a regeneration means the stored answer still stands.</summary>
    public (string Content, string? Thinking, bool HasText) TextSoFar() => _log.TextSoFar();

    // Writing: the runner's alone, in this order: Begin, then Status/Retrying/BeginAttempt/Add, then End.

    /// <summary>The first events: queued, and for a continuation the text it starts from, so a listener at event 1 rebuilds it whole.</summary>
    public void Begin()
    {
        PublishStatus(GenerationStates.Queued);
        if (!string.IsNullOrEmpty(Seed?.Thinking))
        {
            AppendText(EventTypes.Thinking, Seed.Thinking);
        }
        if (!string.IsNullOrEmpty(Seed?.Content))
        {
            AppendText(EventTypes.Delta, Seed.Content);
        }
    }

    public void PublishStatus(string state) => _log.TryAppend(EventTypes.Status, new StatusEventData(state), SmailJsonContext.Default.StatusEventData);

    public void PublishRetrying(int attempt, TimeSpan delay, string reason)
    {
        _lastRetryReason = reason;
        _log.TryAppend(EventTypes.Status,
            new StatusEventData(GenerationStates.Retrying) { Attempt = attempt, DelayMs = (int)delay.TotalMilliseconds, Reason = reason },
            SmailJsonContext.Default.StatusEventData);
    }

    /// <summary>
    /// A new upstream attempt: it announces its own thinking or generating state, and counts its own tokens.
    /// With <paramref name="fromTheStart"/> (the server cannot continue) and text already written, its first text
    /// restarts the answer.
    /// </summary>
    public void BeginAttempt(bool fromTheStart = false)
    {
        _announced = null;
        _restartPending = fromTheStart && _answer.HasText;
        _answer.BeginAttempt();
    }

    /// <summary>Set once the answer was written again from its beginning: the code of the failure that broke it off.</summary>
    public string? RestartedAfter { get; private set; }

    /// <summary>
    /// Adds a chunk to the answer and tells listeners, announcing the state the first time it changes. True when
    /// the chunk restarted the answer (the text before it is gone).
    /// </summary>
    public bool Add(UpstreamChunk chunk)
    {
        var restarted = false;
        if (_restartPending && (chunk.Content.Length > 0 || !string.IsNullOrEmpty(chunk.Thinking)))
        {
            _restartPending = false;
            restarted = true;
            RestartedAfter = _lastRetryReason ?? "upstream_error";
            _answer.Restart();
            _log.TryAppend(EventTypes.Restart, new RestartEventData(RestartedAfter), SmailJsonContext.Default.RestartEventData);
        }
        if (!string.IsNullOrEmpty(chunk.Thinking))
        {
            if (_announced is null && !_answer.HasContent)
            {
                PublishStatus(_announced = GenerationStates.Thinking);
            }
            AppendText(EventTypes.Thinking, chunk.Thinking);
        }
        if (chunk.Content.Length > 0)
        {
            if (_announced != GenerationStates.Generating)
            {
                PublishStatus(_announced = GenerationStates.Generating);
            }
            AppendText(EventTypes.Delta, chunk.Content);
        }
        _answer.Add(chunk);
        return restarted;
    }

    public bool HasFirstToken => _answer.HasFirstToken;

    /// <summary>Whether this answer has text of its own (a continuation's seed counts).</summary>
    public bool HasText => _answer.HasText;

    /// <summary>What to send the model to carry on after a failure mid-answer: the text so far, or nothing.</summary>
    public AnswerSeed? PartialAnswer => _answer.HasText ? new AnswerSeed(_answer.Content, _answer.Thinking) : null;

    /// <summary>The stored form of the answer as it ended.</summary>
    public ChatMessage ToStoredMessage(ChatMessage placeholder, GenerationEnding ending, MessageStats stats) => placeholder with
    {
        Content = _answer.Content,
        Thinking = _answer.Thinking,
        Status = ending.Status,
        Stats = stats,
        Error = ending.Error,
        Model = Model,
        RestartedAfter = RestartedAfter,
        DoneReason = DoneReasons.Stored(ending.DoneReason),
    };

    public MessageStats Stats() => _answer.Stats();

    /// <summary>Appends the final event; false when the generation had already ended.</summary>
    public bool End(GenerationEnding ending, MessageStats stats) => ending.Error is { } error
        ? _log.TryAppend(EventTypes.Error, new ErrorEventData(error.Code, error.Message, ending.Retryable), SmailJsonContext.Default.ErrorEventData)
        : _log.TryAppend(EventTypes.Done, new DoneEventData(ending.DoneReason ?? DoneReasons.Stop, DoneStatsFrom(stats)), SmailJsonContext.Default.DoneEventData);

    private void AppendText(string type, string text) => _log.TryAppend(type,
        new TextEventData(text) { ElapsedMs = (long)System.Diagnostics.Stopwatch.GetElapsedTime(_startedTimestamp).TotalMilliseconds },
        SmailJsonContext.Default.TextEventData);

    private static DoneStats DoneStatsFrom(MessageStats stats) =>
        new(stats.PromptTokens, stats.OutputTokens, stats.TtftMs, stats.DurationMs, stats.TokensPerSecond);
}
