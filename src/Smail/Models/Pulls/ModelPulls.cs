using System.Collections.Concurrent;
using System.Diagnostics;
using Smail.Changes;
using Smail.Ollama;
using Smail.Sessions;
using Smail.Upstreams;

namespace Smail.Models.Pulls;

/// <summary>
/// The downloads running on this instance, and those that ended in the last minutes. A pull of a model already being
/// pulled joins that one. Progress goes to admins' pages on the change feed (<c>pull</c>), at most four times a
/// second and at once when Ollama's status changes, so a page opened or reloaded mid-download picks it up.
/// </summary>
internal sealed partial class ModelPulls(RoutingUpstream upstreams, ChangeFeed feed, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ModelPulls> logger)
{
    private static readonly TimeSpan s_keepEnded = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_publishEvery = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<string, ModelPull> _pulls = new(StringComparer.Ordinal);
    private readonly Lock _starting = new();

    /// <summary>The Ollama upstream that pulls <paramref name="id"/> (named by its prefix, or the first Ollama upstream) and the model's own name there.</summary>
    public (NamedUpstream Upstream, OllamaClient Client, string Model)? Resolve(string id)
    {
        var (named, model) = upstreams.Resolve(id);
        if (named.Client is OllamaClient ollama)
        {
            return (named, ollama, model);
        }
        if (model != id)
        {
            return null; // the id names an upstream that cannot pull
        }
        return upstreams.Upstreams.FirstOrDefault(u => u.Client is OllamaClient) is { Client: OllamaClient first } upstream ? (upstream, first, id) : null;
    }

    public IReadOnlyList<PullView> List()
    {
        var cutoff = time.GetUtcNow() - s_keepEnded;
        foreach (var ended in _pulls.Values.Where(p => p.EndedAt < cutoff))
        {
            _pulls.TryRemove(ended.Id, out _);
        }
        return [.. _pulls.Values.Select(p => p.View()).OrderBy(p => p.StartedAt)];
    }

    public ModelPull? Find(string id) => _pulls.GetValueOrDefault(id);

    public ModelPull Start(NamedUpstream upstream, OllamaClient client, string model)
    {
        ModelPull pull;
        lock (_starting)
        {
            if (_pulls.Values.FirstOrDefault(p => p.IsRunning && p.Upstream == upstream.Name && p.Model == upstreams.IdOf(upstream, model)) is { } running)
            {
                return running;
            }
            pull = new ModelPull(SmailIds.New(), upstreams.IdOf(upstream, model), upstream.Name, time.GetUtcNow());
            _pulls[pull.Id] = pull;
        }
        feed.PullChanged(pull.View());
        _ = Task.Run(() => RunAsync(pull, client, model));
        return pull;
    }

    private async Task RunAsync(ModelPull pull, OllamaClient client, string model)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(pull.Cancelled, lifetime.ApplicationStopping);
        var published = Stopwatch.GetTimestamp();
        try
        {
            await foreach (var progress in client.PullAsync(model, stop.Token))
            {
                if (pull.Record(progress) || Stopwatch.GetElapsedTime(published) >= s_publishEvery)
                {
                    feed.PullChanged(pull.View());
                    published = Stopwatch.GetTimestamp();
                }
            }
            pull.End(PullStates.Succeeded, time.GetUtcNow());
            LogPulled(pull.Model, pull.Upstream);
        }
        catch (OperationCanceledException) when (pull.Cancelled.IsCancellationRequested)
        {
            pull.End(PullStates.Cancelled, time.GetUtcNow());
        }
        catch (OperationCanceledException)
        {
            pull.End(PullStates.Cancelled, time.GetUtcNow(), "Smail stopped during the download. Pull again to resume it.");
        }
        catch (UpstreamException ex)
        {
            pull.End(PullStates.Failed, time.GetUtcNow(), ex.Message, ex.Code);
            LogPullFailed(pull.Model, ex.Code, ex.Message);
        }
        catch (Exception ex)
        {
            pull.End(PullStates.Failed, time.GetUtcNow(), "The download failed unexpectedly. The server log has the details.", "internal_error");
            LogPullCrashed(ex, pull.Model);
        }
        feed.PullChanged(pull.View());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulled {Model} on {Upstream}")]
    private partial void LogPulled(string model, string upstream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pulling {Model} failed with {Code}: {Detail}")]
    private partial void LogPullFailed(string model, string code, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pulling {Model} failed unexpectedly")]
    private partial void LogPullCrashed(Exception ex, string model);
}
