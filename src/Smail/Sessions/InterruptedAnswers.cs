namespace Smail.Sessions;

/// <summary>
/// At start-up no answer can still be running, so an answer stored as "streaming" was cut off by a crash
/// or a kill: mark it interrupted, keeping the text its last checkpoint saved, so it can be continued.
/// Runs before the server takes requests.
/// </summary>
internal sealed partial class InterruptedAnswers(ISessionStore store, TimeProvider time, ILogger<InterruptedAnswers> logger) : IHostedService
{
    private const string Message = "Smail stopped while writing this answer (a crash or a restart). What was saved is kept; Continue picks up from here.";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var session in await store.ListAsync(cancellationToken))
        {
            if (!session.Messages.Any(m => m.Status == MessageStatus.Streaming))
            {
                continue;
            }
            await store.UpdateAsync(session.Id, s => s with
            {
                Messages = [.. s.Messages.Select(m => m.Status == MessageStatus.Streaming
                    ? m with { Status = MessageStatus.Interrupted, Error = new MessageError("interrupted", Message) }
                    : m)],
                UpdatedAt = time.GetUtcNow(),
            }, cancellationToken);
            LogInterrupted(session.Id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {SessionId} had an answer cut off by the last shutdown; marked it interrupted")]
    private partial void LogInterrupted(string sessionId);
}
