namespace Smail.Generations;

/// <summary>
/// On shutdown (SIGTERM, Ctrl+C), interrupts every running generation so its partial answer is stored as
/// interrupted and its listeners get a final event, then waits for them, within the host's shutdown
/// timeout, and waits for their conversation files. It runs in the stopping phase, before the server stops: Kestrel waits for open requests, and
/// the event streams only end once their generations have.
/// </summary>
internal sealed partial class GenerationShutdown(GenerationRegistry registry, Sessions.ISessionStore store, ILogger<GenerationShutdown> logger) : IHostedLifecycleService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var running = registry.Running;
        if (running.Count == 0)
        {
            await store.FlushAsync().WaitAsync(cancellationToken);
            return;
        }
        if (registry.CanHandOff)
        {
            // With Redis, another instance carries each answer on from its stream: nothing is interrupted.
            LogHandingOff(running.Count);
            foreach (var generation in running)
            {
                generation.HandOff();
            }
        }
        else
        {
            LogInterrupting(running.Count);
            foreach (var generation in running)
            {
                generation.Interrupt();
            }
        }
        try
        {
            await Task.WhenAll(running.Select(g => g.Ended)).WaitAsync(cancellationToken);
            // A graceful stop leaves every conversation file complete; the journal is for crashes.
            await store.FlushAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogShutdownTimeout();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Interrupting {Count} running generations for shutdown")]
    private partial void LogInterrupting(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handing {Count} running generations to the other instances for shutdown")]
    private partial void LogHandingOff(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timed out before every generation had stored its answer")]
    private partial void LogShutdownTimeout();
}
