using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Cluster;

/// <summary>
/// Three Smail processes on one PostgreSQL and one Redis, behind a real nginx that sends each request to the next
/// instance (round robin, no stickiness): a chat works through it, a resume lands on another instance and is exact, a
/// stop sent through it reaches the model server whichever instance it lands on, an answer outlives the instance that
/// wrote it (SIGKILL or SIGTERM), and the cluster rides out a restart of Redis and a stop of PostgreSQL.
/// </summary>
public sealed class ThreeInstancesBehindNginxTests(ThreeInstancesBehindNginxTests.Cluster cluster) : IClassFixture<ThreeInstancesBehindNginxTests.Cluster>
{
    /// <summary>The engines, the three processes and nginx, started once for the class: each start of a process costs a JIT.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        public PostgresServer Postgres { get; private set; } = null!;
        public RedisServer Redis { get; private set; } = null!;
        public OllamaEmulator.OllamaEmulator Emulator { get; private set; } = null!;
        public SmailCluster Smail { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            (Postgres, Redis, Emulator) = (await PostgresServer.StartAsync(), await RedisServer.StartAsync(), await OllamaEmulator.OllamaEmulator.StartAsync());
            Smail = await SmailCluster.StartAsync(3, Postgres, Redis, Emulator.BaseAddress);
        }

        public async Task DisposeAsync()
        {
            await Smail.DisposeAsync();
            await Emulator.DisposeAsync();
            await Redis.DisposeAsync();
            await Postgres.DisposeAsync();
        }
    }

    private OllamaEmulator.OllamaEmulator Emulator => cluster.Emulator;

    private HttpClient Client => cluster.Smail.Client;

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
        // Round robin: a few requests reach all three (a second longer if one of them was just restarted by another test).
        var answered = new HashSet<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (answered.Count < 3)
        {
            answered.Add((await Client.GetFromJsonAsync<JsonElement>("/api/health", deadline.Token)).GetProperty("instance").GetString()!);
        }
        Assert.Equal(["smail-1", "smail-2", "smail-3"], answered.Order());
        // Each one's log lines say whose they are, as its metrics do.
        Assert.All(cluster.Smail.Instances.Select((instance, i) => (instance, i)), each =>
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
        foreach (var instance in cluster.Smail.Instances)
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

    /// <summary>Starts an answer on one instance directly (so the test knows which one writes it); everything else goes through nginx.</summary>
    private async Task<(string Session, string EventsUrl)> AskOnAsync(int instance, ChatScript script, int scripts = 2)
    {
        Emulator.Scripts.Enqueue([.. Enumerable.Repeat(script, scripts)]);
        using var owner = new HttpClient { BaseAddress = cluster.Smail[instance].Address };
        using var created = await owner.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
        var session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var sent = await owner.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Count" });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        return (session, (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!);
    }

    private async Task AssertStoredWholeAsync(string session, IEnumerable<string> words)
    {
        var stored = (await Client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages")[1];
        Assert.Equal(string.Concat(words), stored.GetProperty("content").GetString());
        Assert.Equal("complete", stored.GetProperty("status").GetString());
    }

    private static void AssertOneExactAnswer(List<ReceivedEvent> events, IEnumerable<string> words)
    {
        Assert.Equal("done", events[^1].Type);
        Assert.DoesNotContain(events, e => e.Type == "error");
        Assert.Equal(string.Concat(words), events.AnswerText());
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
    }

    /// <summary>
    /// SIGKILL of the instance writing an answer: another takes its lease and carries the answer on from the text in
    /// the stream, announced as recovering. A listener through nginx (whichever instance it lands on, and again after
    /// its stream breaks) gets one exact answer, and the stored answer is whole.
    /// </summary>
    [Fact]
    public async Task Kill9OfTheOwnerMidAnswer_AnotherInstanceCarriesItOn_AndAListenerThroughNginxGetsOneExactAnswer()
    {
        var words = Enumerable.Range(0, 300).Select(i => $" k{i}").ToArray();
        var chatsBefore = Emulator.Requests.Chats.Count;
        var (session, eventsUrl) = await AskOnAsync(0, SmailCluster.Counting(words));
        long killedAt = 0;

        var events = await cluster.Smail.ReadWholeAsync(eventsUrl, async seen =>
        {
            if (killedAt == 0 && seen.Count(x => x.Type == "delta") == 60)
            {
                await cluster.Smail.StopAsync(0, gracefully: false);
                killedAt = Stopwatch.GetTimestamp();
            }
        });
        var recovered = events.FindIndex(e => e.Type == "status" && e.Data.GetProperty("state").GetString() == "recovering");

        AssertOneExactAnswer(events, words);
        Assert.True(killedAt > 0 && recovered > 0, "killed mid-answer, and the takeover was announced as recovering");
        // Carried on from the text in the stream: the second request to the model server continued what the first wrote.
        var continued = Emulator.Requests.Chats[chatsBefore + 1].Json.GetProperty("messages");
        Assert.Equal("assistant", continued[continued.GetArrayLength() - 1].GetProperty("role").GetString());
        await AssertStoredWholeAsync(session, words);
        await cluster.Smail.StartAgainAsync(0);
    }

    /// <summary>
    /// SIGTERM of the instance writing an answer: it hands the answer over at once. A listener on that instance sees its
    /// stream end with no final event and resumes through nginx; one through nginx never sees an error.
    /// </summary>
    [Fact]
    public async Task AGracefulStopOfTheOwner_HandsTheAnswerOver_AndNoListenerSeesAnInterruption()
    {
        var words = Enumerable.Range(0, 300).Select(i => $" g{i}").ToArray();
        var (session, eventsUrl) = await AskOnAsync(1, SmailCluster.Counting(words));
        using var owner = new HttpClient { BaseAddress = cluster.Smail[1].Address, Timeout = TimeSpan.FromSeconds(60) };
        var onOwner = Task.Run(async () =>
        {
            var seen = await new SseClient(owner, eventsUrl).ReadToEndAsync(timeout: TimeSpan.FromSeconds(60));
            Assert.DoesNotContain(seen, e => e.Type is "done" or "error");
            return seen.Concat(await new SseClient(Client, eventsUrl).ReadToEndAsync(seen[^1].Id, TimeSpan.FromSeconds(60))).ToList();
        });
        Task? stopping = null;

        var throughNginx = await cluster.Smail.ReadWholeAsync(eventsUrl, seen =>
        {
            if (stopping is null && seen.Count(x => x.Type == "delta") == 60)
            {
                stopping = cluster.Smail.StopAsync(1, gracefully: true);
            }
            return Task.CompletedTask;
        });
        await stopping!;

        foreach (var events in new[] { throughNginx, await onOwner })
        {
            AssertOneExactAnswer(events, words);
            Assert.Contains(events, e => e.Type == "status" && e.Data.GetProperty("state").GetString() == "recovering");
        }
        await AssertStoredWholeAsync(session, words);
        await cluster.Smail.StartAgainAsync(1);
    }

    /// <summary>Redis restarted empty mid-answer: every instance puts back what it writes, and the listener through nginx misses nothing.</summary>
    [Fact]
    public async Task RedisRestartedMidAnswer_TheListenerThroughNginxGetsTheExactAnswer()
    {
        var words = Enumerable.Range(0, 300).Select(i => $" r{i}").ToArray();
        var (session, eventsUrl) = await AskOnAsync(2, SmailCluster.Counting(words), scripts: 1);
        var restarted = false;

        var events = await cluster.Smail.ReadWholeAsync(eventsUrl, async seen =>
        {
            if (!restarted && seen.Count(x => x.Type == "delta") == 50)
            {
                restarted = true;
                await cluster.Redis.RestartAsync();
            }
        });

        AssertOneExactAnswer(events, words);
        await AssertStoredWholeAsync(session, words);
    }

    /// <summary>
    /// PostgreSQL stopped: every instance answers 503 <c>store_unavailable</c> and says so on its health; started
    /// again, every instance works again by itself, with no restart of Smail.
    /// </summary>
    [Fact]
    public async Task PostgresStoppedAndStarted_EveryInstanceIs503WhileItIsDown_AndWorksAgainAfter()
    {
        await cluster.Postgres.StopAsync();
        var refused = new List<(HttpStatusCode Status, string? Code, bool StoreOk)>();
        try
        {
            foreach (var instance in cluster.Smail.Instances)
            {
                using var direct = new HttpClient { BaseAddress = instance.Address };
                using var created = await direct.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
                var health = await direct.GetFromJsonAsync<JsonElement>("/api/health");
                refused.Add((created.StatusCode, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString(),
                    health.GetProperty("store").GetProperty("ok").GetBoolean()));
            }
        }
        finally
        {
            await cluster.Postgres.StartAgainAsync();
        }

        Assert.All(refused, r => Assert.Equal((HttpStatusCode.ServiceUnavailable, "store_unavailable", false), r));
        foreach (var instance in cluster.Smail.Instances)
        {
            using var direct = new HttpClient { BaseAddress = instance.Address };
            using var created = await direct.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var (session, accepted) = await AskAsync(ChatScript.Answer("Back ", "again."));
        Assert.Equal("Back again.", (await new SseClient(Client, accepted.GetProperty("eventsUrl").GetString()!).ReadToEndAsync()).AnswerText());
        Assert.Equal("complete", (await Client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages")[1].GetProperty("status").GetString());
    }
}
