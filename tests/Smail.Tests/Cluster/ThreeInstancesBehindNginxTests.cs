using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using Smail.Tests.Sessions;

namespace Smail.Tests.Cluster;

/// <summary>
/// Three Smail processes on one PostgreSQL and one Redis, behind a real nginx that sends each request to the next
/// instance (round robin, no stickiness): a chat works through it, a resume lands on another instance and is exact,
/// and a stop sent through it reaches the model server whichever instance it lands on.
/// </summary>
public sealed class ThreeInstancesBehindNginxTests(PostgresFixture postgres, RedisFixture redis)
    : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>, IAsyncLifetime
{
    private OllamaEmulator.OllamaEmulator _emulator = null!;
    private readonly List<SmailProcess> _instances = [];
    private NginxProxy _nginx = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        var database = await postgres.Server.CreateDatabaseAsync();
        _instances.AddRange(await Task.WhenAll(Enumerable.Range(1, 3).Select(i => SmailProcess.StartAsync(_emulator.BaseAddress, null,
            "--Storage:Provider", "postgres", "--ConnectionStrings:Postgres", database, "--ConnectionStrings:Redis", redis.Server.Configuration,
            "--Smail:Instance", $"smail-{i}"))));
        _nginx = await NginxProxy.StartAsync([.. _instances.Select(i => i.Address)]);
        _client = new HttpClient { BaseAddress = _nginx.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _nginx.DisposeAsync();
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        await _emulator.DisposeAsync();
    }

    private async Task<(string Session, JsonElement Accepted)> AskAsync(ChatScript script)
    {
        _emulator.Scripts.Enqueue(script);
        using var created = await _client.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
        var session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var sent = await _client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Tell me a story" });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        return (session, await sent.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task EveryInstanceAnswers_ThroughNginx_WithoutStickiness()
    {
        var answered = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            answered.Add((await _client.GetFromJsonAsync<JsonElement>("/api/health")).GetProperty("instance").GetString()!);
        }
        Assert.Equal(["smail-1", "smail-2", "smail-3"], answered.Order());

        var (session, accepted) = await AskAsync(ChatScript.Answer("Through ", "nginx, ", "to any ", "instance."));
        var events = await new SseClient(_client, accepted.GetProperty("eventsUrl").GetString()!).ReadToEndAsync();

        Assert.Equal("Through nginx, to any instance.", events.AnswerText());
        var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}");
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
            await foreach (var e in new SseClient(_client, eventsUrl).ReadAsync(received.Count == 0 ? null : received[^1].Id))
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
        await foreach (var e in new SseClient(_client, accepted.GetProperty("eventsUrl").GetString()!).ReadAsync())
        {
            if (e.Type == "delta")
            {
                break;
            }
        }

        using var stop = await _client.PostAsync($"/api/generations/{accepted.GetProperty("generationId").GetString()}/stop", null);

        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        await _emulator.Requests.Chats[^1].WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
