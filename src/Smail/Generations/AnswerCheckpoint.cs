namespace Smail.Generations;

/// <summary>
/// Saves an answer in progress every <c>interval</c> while it grows, so a crash loses at most that much
/// text. Runs beside the stream: writing never holds up a token on its way to listeners.
/// </summary>
internal sealed class AnswerCheckpoint : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AnswerCheckpoint(AnswerAccumulator answer, Func<Task> save, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _loop = RunAsync(answer, save, interval, time, logger);
    }

    private async Task RunAsync(AnswerAccumulator answer, Func<Task> save, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        using var timer = new PeriodicTimer(interval, time);
        var saved = answer.Version;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var version = answer.Version;
                if (version == saved)
                {
                    continue;
                }
                try
                {
                    await save();
                    saved = version;
                }
                catch (Exception ex)
                {
                    // The final save reports a failure to listeners; here a missed checkpoint is only logged.
                    logger.LogWarning(ex, "Could not save the answer in progress");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the final save takes over.
        }
    }

    /// <summary>Stops checkpointing and waits for a save in flight, so the final save is the last write.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
