namespace Smail.Generations;

/// <summary>
/// One event of a generation's stream, framed once as the SSE bytes every listener writes out
/// (<c>id:</c>, <c>event:</c> and <c>data:</c> lines): a listener copies bytes and never formats.
/// The frame lives in one of its log's pages (<see cref="FramePages"/>): a running answer's events stay in
/// memory, and the garbage collector's pauses grow with the number of objects that survive, so an event
/// is a struct in an array and owns no object. <see cref="AppendedAt"/> is a Stopwatch timestamp.
/// </summary>
internal readonly record struct GenerationEvent(
    long Id, string Type, long AppendedAt, byte[] Page, int FrameStart, int FrameLength, int DataStart, int DataLength)
{
    public bool IsFinal => Type is EventTypes.Done or EventTypes.Error;

    /// <summary>The SSE frame, ending with its blank line.</summary>
    public ReadOnlySpan<byte> Frame => Page.AsSpan(FrameStart, FrameLength);

    /// <summary>The payload's JSON, inside the frame.</summary>
    public ReadOnlySpan<byte> Data => Page.AsSpan(DataStart, DataLength);
}

/// <summary>The contract's event names.</summary>
internal static class EventTypes
{
    public const string Status = "status";
    public const string Thinking = "thinking";
    public const string Delta = "delta";
    public const string Done = "done";
    public const string Error = "error";

    /// <summary>
    /// The text so far is discarded and the answer is written again from its beginning: a retry on a server that
    /// cannot continue a broken-off answer. Sent with the new attempt's first text, never before, so an answer
    /// whose retries all fail keeps what it had.
    /// </summary>
    public const string Restart = "restart";
}

/// <summary>
/// The contract's <c>done</c> reasons. Beside Smail's own (stop, length, stopped), an OpenAI-compatible server's
/// <c>content_filter</c> and <c>tool_calls</c> pass through as they are: both say why an answer is shorter than asked.
/// </summary>
internal static class DoneReasons
{
    public const string Stop = "stop";
    public const string Length = "length";
    public const string Stopped = "stopped";
    public const string ContentFilter = "content_filter";
    public const string ToolCalls = "tool_calls";

    /// <summary>The upstream's finish reason as the contract has it; anything else it may say is a plain stop.</summary>
    public static string Of(string? upstream) => upstream is Length or ContentFilter or ToolCalls ? upstream : Stop;

    /// <summary>The reasons worth keeping with the stored answer: each explains an answer that ended early.</summary>
    public static string? Stored(string? reason) => reason is Length or ContentFilter or ToolCalls ? reason : null;
}

/// <summary>The contract's <c>status</c> states.</summary>
internal static class GenerationStates
{
    public const string Queued = "queued";
    public const string Connecting = "connecting";
    public const string LoadingModel = "loading_model";
    public const string Thinking = "thinking";
    public const string Generating = "generating";
    public const string Retrying = "retrying";

    /// <summary>The instance that wrote the answer died; another took it over and carries it on from its text.</summary>
    public const string Recovering = "recovering";
}

internal sealed record StatusEventData(string State)
{
    public int? Attempt { get; init; }
    public int? DelayMs { get; init; }
    public string? Reason { get; init; }
}

internal sealed record TextEventData(string Text)
{
    /// <summary>
    /// Milliseconds from the generation's start to this text, on the server's clock: a page that replays the
    /// events after a reload computes the real rate from these, not from how fast the replay arrived.
    /// </summary>
    public long? ElapsedMs { get; init; }
}

internal sealed record DoneEventData(string Reason, DoneStats Stats);

internal sealed record DoneStats(int PromptTokens, int OutputTokens, long TtftMs, long DurationMs, double TokensPerSecond);

internal sealed record ErrorEventData(string Code, string Message, bool Retryable);

/// <summary>Why the answer restarted: the code of the failure that broke it off.</summary>
internal sealed record RestartEventData(string Reason);
