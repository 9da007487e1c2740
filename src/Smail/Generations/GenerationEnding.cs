using Smail.Sessions;

namespace Smail.Generations;

/// <summary>
/// How an answer ended: the status it is stored with and what its final event says. Data, not behaviour:
/// <see cref="Generation.End"/> turns it into a <c>done</c> or an <c>error</c> event.
/// </summary>
internal sealed record GenerationEnding(string Status, string? DoneReason, MessageError? Error, bool Retryable = true)
{
    public static GenerationEnding Completed(string reason) => new(MessageStatus.Complete, reason, null);

    public static readonly GenerationEnding Stopped = new(MessageStatus.Stopped, DoneReasons.Stopped, null);

    public static GenerationEnding Failed(string code, string message, bool retryable) =>
        new(MessageStatus.Error, null, new MessageError(code, message), retryable);

    /// <summary>Not an end: the generation was handed to another instance, which ends it.</summary>
    public static readonly GenerationEnding HandedOff = new("handed_off", null, null);

    public static readonly GenerationEnding ShutDown = new(MessageStatus.Interrupted, null, new MessageError("server_shutdown",
        "Smail was shut down while writing this answer. What was written is saved; Continue picks up from here."));

    public static readonly GenerationEnding InternalError = Failed(
        "internal_error", "Smail failed while writing this answer. The server log has the details.", retryable: true);

    public static readonly GenerationEnding StorageFailed = Failed(
        "storage_failed", "The answer could not be saved: the conversation store refused the write. Smail's log says why.", retryable: true);
}
