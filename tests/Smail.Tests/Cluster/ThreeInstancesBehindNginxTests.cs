using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Cluster;

/// <summary>
/// Three Smail processes on one PostgreSQL and one Redis, behind a real nginx that sends each request to the next
/// instance (round robin, no stickiness): a chat works through it, a resume lands on another instance and is exact,
/// and a stop sent through it reaches the model server whichever instance it lands on.
/// </summary>
public sealed class ThreeInstancesBehindNginxTests(ThreeInstancesBehindNginxTests.Cluster cluster) : IClassFixture<ThreeInstancesBehindNginxTests.Cluster>
{
    /// <summary>The engines, the three processes and nginx, started once for the class: each start of a process costs a JIT.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private PostgresServer _postgres = null!;
        private RedisServer _redis = null!;
        private readonly List<SmailProcess> _instances = [];
        private NginxProxy _nginx = null!;

        public OllamaEmulator.OllamaEmulator Emulator { get; private set; } = null!;
        public HttpClient Client { get; private set; } = null!;
        public IReadOnlyList<SmailProcess> Instances => _instances;

        public async Task InitializeAsync()
        {
            (_postgres, _redis, Emulator) = (await PostgresServer.StartAsync(), await RedisServer.StartAsync(), await OllamaEmulator.OllamaEmulator.StartAsync());
            var database = await _postgres.CreateDatabaseAsync();
            _instances.AddRange(await Task.WhenAll(Enumerable.Range(1, 3).Select(i => SmailProcess.StartAsync(Emulator.BaseAddress, null,
                "--Storage:Provider", "postgres", "--ConnectionStrings:Postgres", database, "--ConnectionStrings:Redis", _redis.Configuration,
                "--Smail:Instance", $"smail-{i}"))));
            _nginx = await NginxProxy.StartAsync([.. _instances.Select(i => i.Address)]);
            Client = new HttpClient { BaseAddress = _nginx.Address, Timeout = TimeSpan.FromSeconds(30) };
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await _nginx.DisposeAsync();
            foreach (var instance in _instances)
            {
                await instance.DisposeAsync();
            }
            await Emulator.DisposeAsync();
            await _redis.DisposeAsync();
            await _postgres.DisposeAsync();
        }
    }

    private OllamaEmulator.OllamaEmulator Emulator => cluster.Emulator;

    private HttpClient Client => cluster.Client;

    private async Task<(string Session, JsonElement Accepted)> AskAsync(ChatScript script)
    {
        Emulator.Scripts.Enqueue(script);
        using var created = await Client.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
        var session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var sent = await Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Tell me a story" });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        return (session, await sent.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task EveryInstanceAnswers_ThroughNginx_WithoutStickiness()
    {
        var answered = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            answered.Add((await Client.GetFromJsonAsync<JsonElement>("/api/health")).GetProperty("instance").GetString()!);
        }
        Assert.Equal(["smail-1", "smail-2", "smail-3"], answered.Order());
        // Each one's log lines say whose they are, as its metrics do.
        Assert.All(cluster.Instances.Select((instance, i) => (instance, i)), each =>
            Assert.Contains(each.instance.Output, line => line.StartsWith($"info: [smail-{each.i + 1}] Microsoft.Hosting.Lifetime", StringComparison.Ordinal)));
        var metrics = await Client.GetStringAsync("/metrics");
        Assert.Matches("target_info\\{[^}]*service_instance_id=\"smail-[123]\"", metrics);

        var (session, accepted) = await AskAsync(ChatScript.Answer("Through ", "nginx, ", "to any ", "instance."));
        var events = await new SseClient(Client, accepted.GetProperty("eventsUrl").GetString()!).ReadToEndAsync();

        Assert.Equal("Through nginx, to any instance.", events.AnswerText());
        var stored = await Client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}");
        Assert.Equal("Through nginx, to any instance.", stored.GetProperty("messages")[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task AResume_LandsOnAnotherInstance_AndIsExact_AtEveryPoint()
    {
        var words = Enumerable.Range(0, 200).Select(i => $" w{i}").ToArray();
        var (_, accepted) = await AskAsync(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(5)));
        var eventsUrl = accepted.GetProperty("eventsUrl").GetString()!;

        // Each reconnect is a new request, so nginx sends it to the next instance: the text is rebuilt across all three.
        var received = new List<ReceivedEvent>();
        var random = new Random(13);
        while (received.Count == 0 || received[^1].Type is not ("done" or "error"))
        {
            var take = random.Next(1, 40);
            await foreach (var e in new SseClient(Client, eventsUrl).ReadAsync(received.Count == 0 ? null : received[^1].Id))
            {
                received.Add(e);
                if (--take == 0)
                {
                    break;
                }
            }
        }

        Assert.Equal(string.Concat(words), received.AnswerText());
        Assert.Equal(Enumerable.Range(1, received.Count).Select(i => (long)i), received.Select(e => e.Id));
    }

    [Fact]
    public async Task AStopThroughNginx_ReachesTheModelServer_WhicheverInstanceItLandsOn()
    {
        var (_, accepted) = await AskAsync(ChatScript.Answer([.. Enumerable.Range(0, 2000).Select(i => $" w{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));
        await foreach (var e in new SseClient(Client, accepted.GetProperty("eventsUrl").GetString()!).ReadAsync())
        {
            if (e.Type == "delta")
            {
                break;
            }
        }

        using var stop = await Client.PostAsync($"/api/generations/{accepted.GetProperty("generationId").GetString()}/stop", null);

        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        await Emulator.Requests.Chats[^1].WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// The dashboard's cluster figures: every instance adds its counts to Redis, so whichever instance answers, the
    /// totals hold the answers all three gave, and the list names all three. Waits for the reports (every 2 s) by
    /// reading until the figures arrive, with a deadline.
    /// </summary>
    [Fact]
    public async Task TheClusterTotals_HoldEveryInstancesAnswers_WhicheverInstanceIsAsked()
    {
        var before = (await Client.GetFromJsonAsync<JsonElement>("/api/metrics/history")).GetProperty("cluster").GetProperty("totals");
        for (var i = 0; i < 3; i++)
        {
            var (_, accepted) = await AskAsync(ChatScript.Answer("Counted ", "once."));
            await new SseClient(Client, accepted.GetProperty("eventsUrl").GetString()!).ReadToEndAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        foreach (var instance in cluster.Instances)
        {
            using var direct = new HttpClient { BaseAddress = instance.Address };
            while (true)
            {
                var cluster = (await direct.GetFromJsonAsync<JsonElement>("/api/metrics/history", deadline.Token)).GetProperty("cluster");
                var totals = cluster.GetProperty("totals");
                var names = cluster.GetProperty("instances").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
                if (totals.GetProperty("generations").GetInt64() >= before.GetProperty("generations").GetInt64() + 3
                    && totals.GetProperty("messagesSent").GetInt64() >= before.GetProperty("messagesSent").GetInt64() + 3
                    && names.SequenceEqual(["smail-1", "smail-2", "smail-3"]))
                {
                    Assert.True(totals.GetProperty("memoryBytes").GetInt64() > 0);
                    break;
                }
                await Task.Delay(100, deadline.Token);
            }
        }
    }
}
