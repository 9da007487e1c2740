using Smail.OllamaEmulator.Scripting;

namespace Smail.Tests.Infrastructure;

/// <summary>
/// Smail processes named <c>smail-1</c>… on one PostgreSQL database and one Redis, behind nginx round robin with no
/// stickiness: the cluster every scale-out test starts, in one place. An instance can be killed, stopped and
/// started again on its own address, which nginx keeps sending requests to.
/// </summary>
public sealed class SmailCluster : IAsyncDisposable
{
    private readonly SmailProcess?[] _instances;
    private readonly Uri[] _addresses;
    private readonly Uri _upstream;

    private SmailCluster(SmailProcess[] instances, Uri upstream, string[] settings, NginxProxy nginx)
    {
        _instances = instances;
        _addresses = [.. instances.Select(i => i.Address)];
        _upstream = upstream;
        Settings = settings;
        Nginx = nginx;
        Client = new HttpClient { BaseAddress = nginx.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>What every instance is started with: the engines, and a short retry delay.</summary>
    public string[] Settings { get; }
    public NginxProxy Nginx { get; }

    /// <summary>Through nginx: each request goes to the next instance.</summary>
    public HttpClient Client { get; }

    public SmailProcess this[int index] => _instances[index] ?? throw new InvalidOperationException($"smail-{index + 1} is not running.");

    public IReadOnlyList<SmailProcess> Instances => [.. _instances.Where(i => i is not null).Select(i => i!)];

    public static async Task<SmailCluster> StartAsync(int count, PostgresServer postgres, RedisServer redis, Uri upstream, params string[] more)
    {
        string[] settings = ["--Storage:Provider", "postgres", "--ConnectionStrings:Postgres", await postgres.CreateDatabaseAsync(),
            "--ConnectionStrings:Redis", redis.Configuration, "--Resilience:RetryDelay", "00:00:00.010", .. more];
        var instances = await Task.WhenAll(Enumerable.Range(0, count).Select(i => SmailProcess.StartAsync(upstream, null, [.. settings, .. Named(i)])));
        var nginx = await NginxProxy.StartAsync([.. instances.Select(i => i.Address)]);
        return new SmailCluster(instances, upstream, settings, nginx);
    }

    /// <summary>Stops one instance (gracefully, or with SIGKILL) and starts it again on the same address.</summary>
    public async Task RestartAsync(int index, bool gracefully)
    {
        await StopAsync(index, gracefully);
        await StartAgainAsync(index);
    }

    /// <summary>Stops one instance, gracefully (its answers handed over) or with SIGKILL; <see cref="RestartAsync"/> brings it back.</summary>
    public async Task StopAsync(int index, bool gracefully)
    {
        var instance = this[index];
        if (gracefully)
        {
            await instance.StopGracefullyAsync();
        }
        else
        {
            await instance.KillAsync();
        }
        await instance.DisposeAsync();
        _instances[index] = null;
    }

    /// <summary>Starts a stopped instance again on the address it had, which nginx still sends requests to.</summary>
    public async Task StartAgainAsync(int index) =>
        _instances[index] = await SmailProcess.StartAsync(_upstream, null, [.. Settings, .. Named(index), "--urls", _addresses[index].ToString()]);

    /// <summary>Reads an answer to its end through nginx, resuming after its last event whenever a stream ends early or breaks.</summary>
    public async Task<List<ReceivedEvent>> ReadWholeAsync(string eventsUrl, Func<List<ReceivedEvent>, Task>? onEvent = null)
    {
        var events = new List<ReceivedEvent>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (events.Count == 0 || events[^1].Type is not ("done" or "error"))
        {
            try
            {
                await foreach (var e in new SseClient(Client, eventsUrl).ReadAsync(events.Count == 0 ? null : events[^1].Id, deadline.Token))
                {
                    events.Add(e);
                    if (onEvent is not null)
                    {
                        await onEvent(events);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !deadline.IsCancellationRequested)
            {
                // The instance went away mid-stream: the next request lands on another.
            }
        }
        return events;
    }

    /// <summary>The script every answer of these tests plays: when carried on by another instance, from where it broke off.</summary>
    public static ChatScript Counting(IReadOnlyList<string> words, int delayMs = 10) =>
        ChatScript.Answer([.. words]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(delayMs)).Continuing();

    private static string[] Named(int index) => ["--Smail:Instance", $"smail-{index + 1}"];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Nginx.DisposeAsync();
        foreach (var instance in _instances)
        {
            if (instance is not null)
            {
                await instance.DisposeAsync();
            }
        }
    }
}
