using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Cluster;

/// <summary>One real Redis for a test class, started before its first test and stopped after its last.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Two Smail instances on one real Redis: a generation one of them runs is served by the other, exactly, from the
/// start or resumed at any event, by SSE or long poll; and a stop asked of the other reaches the model server.
/// </summary>
public sealed class SharedGenerationsTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private TestHost _owner = null!;
    private TestHost _other = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.Server.Configuration };
        _owner = await TestHost.StartAsync(settings);
        _other = await TestHost.StartAsync(settings, _owner.Emulator.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _other.DisposeAsync();
        await _owner.DisposeAsync();
    }

    private async Task<TestHost.Accepted> StartOnOwnerAsync(ChatScript script)
    {
        _owner.Emulator.Scripts.Enqueue(script);
        return await _owner.SendAsync(await _owner.CreateSessionAsync(), "Tell me a story");
    }

    [Fact]
    public async Task TheOtherInstance_ServesTheEvents_AndResumesExactlyAtAnyEvent()
    {
        var words = Enumerable.Range(0, 60).Select(i => $" w{i} ✓").ToArray();
        var accepted = await StartOnOwnerAsync(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(5)));

        // Attached while it runs, on the instance that does not run it.
        var live = await _other.Events(accepted.EventsUrl).ReadToEndAsync();
        var atOwner = await _owner.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal(string.Concat(words), live.AnswerText());
        Assert.Equal(atOwner.Select(e => (e.Id, e.Type, e.Data.ToString())), live.Select(e => (e.Id, e.Type, e.Data.ToString())));
        foreach (var after in new long[] { 1, 7, atOwner.Count / 2, atOwner.Count - 1, atOwner.Count })
        {
            var rest = await _other.Events(accepted.EventsUrl).ReadToEndAsync(lastEventId: after);
            Assert.Equal(atOwner.Where(e => e.Id > after).Select(e => e.Id), rest.Select(e => e.Id));
        }
        using var poll = await _other.Client.GetAsync($"/api/generations/{accepted.GenerationId}/poll?after=3");
        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        var polled = await poll.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, polled[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task AStopAskedOfTheOtherInstance_ReachesTheModelServer()
    {
        var accepted = await StartOnOwnerAsync(ChatScript.Answer([.. Enumerable.Range(0, 2000).Select(i => $" w{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));
        await foreach (var e in _other.Events(accepted.EventsUrl).ReadAsync())
        {
            if (e.Type == "delta")
            {
                break;
            }
        }

        using var stop = await _other.Client.PostAsync($"/api/generations/{accepted.GenerationId}/stop", null);

        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        await _owner.Emulator.Requests.Chats[0].WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(10));
        var events = await _other.Events(accepted.EventsUrl).ReadToEndAsync();
        Assert.Equal("stopped", events[^1].Data.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AGenerationNoInstanceKnows_Is404_OnEveryInstance()
    {
        foreach (var host in new[] { _owner, _other })
        {
            using var response = await host.Client.GetAsync($"/api/generations/{Smail.Sessions.SmailIds.New()}/events");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task WhileRedisIsDown_NewAnswersAre503_ConversationsStillRead_AndAnswersStartAgainWhenItIsBack()
    {
        _owner.Emulator.Scripts.Enqueue(ChatScript.Answer("Before."), ChatScript.Answer("After."));
        var session = await _owner.CreateSessionAsync();
        await _owner.Events((await _owner.SendAsync(session, "Before")).EventsUrl).ReadToEndAsync();

        await redis.Server.StopAsync();
        HttpResponseMessage refused, read, listed;
        JsonElement health;
        try
        {
            refused = await _owner.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "While it is down" });
            read = await _owner.Client.GetAsync($"/api/sessions/{session}");
            listed = await _owner.Client.GetAsync("/api/sessions");
            health = await _owner.Client.GetFromJsonAsync<JsonElement>("/api/health");
        }
        finally
        {
            await redis.Server.StartAgainAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("redis_unavailable", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(2, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.False(health.GetProperty("redis").GetProperty("ok").GetBoolean());
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(health.GetProperty("instance").GetString()));

        // Back, and reconnected by itself: answers start again, and nothing refused meanwhile was stored.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!(await _owner.Client.GetFromJsonAsync<JsonElement>("/api/health", deadline.Token)).GetProperty("redis").GetProperty("ok").GetBoolean())
        {
            await Task.Delay(50, deadline.Token);
        }
        Assert.Equal("After.", (await _owner.Events((await _owner.SendAsync(session, "After")).EventsUrl).ReadToEndAsync()).AnswerText());
        var contents = (await _owner.GetSessionAsync(session)).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString());
        Assert.Equal(["Before", "Before.", "After", "After."], contents);
    }

    [Fact]
    public async Task RedisRestartedEmptyMidAnswer_EveryListenerStillGetsTheExactAnswer()
    {
        var words = Enumerable.Range(0, 300).Select(i => $" w{i}").ToArray();
        var accepted = await StartOnOwnerAsync(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));
        var atOwner = Task.Run(() => _owner.Events(accepted.EventsUrl).ReadToEndAsync(timeout: TimeSpan.FromSeconds(60)));
        var elsewhere = new List<ReceivedEvent>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in _other.Events(accepted.EventsUrl).ReadAsync(ct: deadline.Token))
        {
            elsewhere.Add(e);
            if (elsewhere.Count(x => x.Type == "delta") == 50)
            {
                await redis.Server.RestartAsync();
            }
        }

        foreach (var events in new[] { elsewhere, await atOwner })
        {
            Assert.Equal("done", events[^1].Type);
            Assert.Equal(string.Concat(words), events.AnswerText());
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        }
    }
}
