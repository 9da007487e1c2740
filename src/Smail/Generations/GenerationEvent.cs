namespace Smail.Generations;

/// <summary>
/// One event of a generation's stream, its payload already serialized: a generation serializes each
/// event once, however many listeners write it out. <see cref="AppendedAt"/> is a Stopwatch timestamp;
/// <see cref="Text"/> is the raw text of a delta or thinking event.
/// </summary>
internal sealed record GenerationEvent(long Id, string Type, string Data, long AppendedAt, string? Text = null)
{
    public bool IsFinal => Type is EventTypes.Done or EventTypes.Error;
}

/// <summary>The contract's event names.</summary>
internal static class EventTypes
{
    public const string Status = "status";
    public const string Thinking = "thinking";
    public const string Delta = "delta";
    public const string Done = "done";
    public const string Error = "error";
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
}

internal sealed record StatusEventData(string State)
{
    public int? Attempt { get; init; }
    public int? DelayMs { get; init; }
    public string? Reason { get; init; }
}

internal sealed record TextEventData(string Text);

internal sealed record DoneEventData(string Reason, DoneStats Stats);

internal sealed record DoneStats(int PromptTokens, int OutputTokens, long TtftMs, long DurationMs, double TokensPerSecond);

internal sealed record ErrorEventData(string Code, string Message, bool Retryable);
