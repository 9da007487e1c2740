using Smail.Generations;
using Smail.Sessions;
using StackExchange.Redis;

namespace Smail.Redis;

/// <summary>
/// Carries on the answers of an instance that died. Every second, each instance looks for running generations whose
/// lease lapsed (<see cref="GenerationStreams.LeaseLifetime"/>, 3 s): one instance takes the lease, rebuilds the
/// generation from its stream, and continues the answer from the text already there, through the same continuation
/// a retry uses, announced as <c>status: recovering</c>. Its new events follow the old ones in the same stream, so
/// listeners on any instance see one seamless answer.
/// </summary>
internal sealed partial class GenerationTakeover(
    GenerationStreams streams, GenerationRegistry registry, GenerationRunner runner, ISessionStore store, ILogger<GenerationTakeover> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var id in await streams.OrphansAsync())
                {
                    if (registry.Find(id) is null && await streams.TryTakeLeaseAsync(id))
                    {
                        await TakeOverAsync(id, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (RedisFailure.Is(ex) || ex is StorageException)
            {
                // Redis or the store is away: the next tick looks again.
            }
        }
    }

    private async Task TakeOverAsync(string id, CancellationToken cancellationToken)
    {
        if (await streams.PrepareTakeoverAsync(id) is not { } generation)
        {
            return;
        }
        if (await store.GetAsync(generation.SessionId, cancellationToken) is not { } session || !registry.TryAdopt(generation))
        {
            LogNotTakenOver(id);
            return;
        }
        streams.Publish(generation);
        LogTakenOver(id, generation.SessionId);
        runner.CarryOn(generation, session);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Took over generation {GenerationId} of conversation {SessionId}: its instance stopped renewing its lease")]
    private partial void LogTakenOver(string generationId, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not take over generation {GenerationId}: its conversation is gone or busy here")]
    private partial void LogNotTakenOver(string generationId);
}
