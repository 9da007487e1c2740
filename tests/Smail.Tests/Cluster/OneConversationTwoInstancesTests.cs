using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using Smail.Tests.Sessions;

namespace Smail.Tests.Cluster;

/// <summary>
/// Two Smail instances on one PostgreSQL and one Redis, as behind a load balancer without stickiness: one answer
/// at a time per conversation across both, each sees the other's running answer, and follows it.
/// </summary>
public sealed class OneConversationTwoInstancesTests(PostgresFixture postgres, RedisFixture redis)
    : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>, IAsyncLifetime
{
    private TestHost _first = null!;
    private TestHost _second = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = await postgres.Server.CreateDatabaseAsync(),
            ["ConnectionStrings:Redis"] = redis.Server.Configuration,
        };
        _first = await TestHost.StartAsync(settings);
        _second = await TestHost.StartAsync(settings, _first.Emulator.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task WhileOneInstanceAnswers_TheOtherRefusesASecondAnswer_ShowsTheRunningOne_AndTakesTheNextMessageAfterIt()
    {
        // The first answer waits half-way until the second instance has been asked: it is surely running meanwhile.
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _first.Emulator.Scripts.Enqueue(
            ChatScript.Answer([.. Enumerable.Range(0, 100).Select(i => $" w{i}")]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)).HoldAfter(50, asked.Task),
            ChatScript.Answer("Second answer."));
        var session = await _first.CreateSessionAsync();
        var running = await _first.SendAsync(session, "First question");

        using var refused = await _second.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "At the same time" });
        var shown = await _second.GetSessionAsync(session);
        var listed = (await _second.Client.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("sessions")[0];
        asked.SetResult();
        var followed = await _second.Events(running.EventsUrl).ReadToEndAsync();

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("generation_in_progress", problem.GetProperty("code").GetString());
        Assert.Contains(running.GenerationId, problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(running.GenerationId, shown.GetProperty("activeGenerationId").GetString());
        Assert.Equal(running.GenerationId, listed.GetProperty("activeGenerationId").GetString());
        Assert.Equal("done", followed[^1].Type);

        // Ended on the first instance: the conversation is free on the second by the time its listeners hear the end
        // (the claim is released before the last event is published, on the same connection), so it answers at once.
        var next = await _second.SendAsync(session, "Second question");
        Assert.Equal("Second answer.", (await _second.Events(next.EventsUrl).ReadToEndAsync()).AnswerText());
        var messages = (await _first.GetSessionAsync(session)).GetProperty("messages");
        Assert.Equal(4, messages.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, (await _first.GetSessionAsync(session)).GetProperty("activeGenerationId").ValueKind);
    }

    [Fact]
    public async Task APageOnOneInstance_HearsOfChangesMadeOnTheOther()
    {
        await using var feed = new ChangeFeedReader(_second.Client);
        await feed.NextAsync("health");
        _first.Emulator.Scripts.Enqueue(ChatScript.Answer("Heard."));

        var session = await _first.CreateSessionAsync();
        var accepted = await _first.SendAsync(session, "Anyone there?");
        await _first.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal("created", await feed.NextSessionChangeAsync(session, "updated"));
        Assert.Equal("answer_started", await feed.NextSessionChangeAsync(session, "updated"));
        Assert.Equal("answer_ended", await feed.NextSessionChangeAsync(session, "updated"));
    }
}
