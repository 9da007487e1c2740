using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using Smail.Tests.Sessions;

namespace Smail.Tests.Cluster;

/// <summary>
/// An answer that survives losing its server: two Smail processes on one PostgreSQL and one Redis; the one that
/// writes an answer is killed (SIGKILL) or stopped (SIGTERM) mid-answer, the other takes it over from the text in
/// the stream, and its listeners see one seamless answer: no gap, no duplicate, the exact text.
/// </summary>
public sealed class TakeoverTests(PostgresFixture postgres, RedisFixture redis)
    : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>, IAsyncLifetime
{
    private OllamaEmulator.OllamaEmulator _emulator = null!;
    private readonly List<SmailProcess> _instances = [];

    public async Task InitializeAsync()
    {
        _emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        var database = await postgres.Server.CreateDatabaseAsync();
        _instances.AddRange(await Task.WhenAll(Enumerable.Range(1, 2).Select(i => SmailProcess.StartAsync(_emulator.BaseAddress, null,
            "--Storage:Provider", "postgres", "--ConnectionStrings:Postgres", database, "--ConnectionStrings:Redis", redis.Server.Configuration,
            "--Smail:Instance", $"smail-{i}", "--Resilience:RetryDelay", "00:00:00.010"))));
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Kill9OfTheOwnerMidAnswer_AnotherInstanceCarriesItOn_AndAListenerSeesOneExactAnswer()
    {
        var words = Enumerable.Range(0, 300).Select(i => $" w{i}").ToArray();
        // The same answer for the first request and for the one that carries it on: played from where it broke off.
        var answer = ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)).Continuing();
        _emulator.Scripts.Enqueue(answer, answer);
        using var owner = new HttpClient { BaseAddress = _instances[0].Address };
        using var listener = new HttpClient { BaseAddress = _instances[1].Address, Timeout = TimeSpan.FromSeconds(60) };
        using var created = await owner.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
        var session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var sent = await owner.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Count" });
        var accepted = await sent.Content.ReadFromJsonAsync<JsonElement>();

        var events = new List<ReceivedEvent>();
        long killedAt = 0, recoveredAt = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in new SseClient(listener, accepted.GetProperty("eventsUrl").GetString()!).ReadAsync(ct: deadline.Token))
        {
            events.Add(e);
            if (killedAt == 0 && events.Count(x => x.Type == "delta") == 60)
            {
                await _instances[0].KillAsync();
                killedAt = Stopwatch.GetTimestamp();
            }
            if (e.Type == "status" && e.Data.GetProperty("state").GetString() == "recovering")
            {
                recoveredAt = Stopwatch.GetTimestamp();
            }
        }

        Assert.Equal("done", events[^1].Type);
        Assert.Equal(string.Concat(words), events.AnswerText());
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        Assert.True(recoveredAt > killedAt, "the takeover was announced as recovering");
        // Carried on from the text in the stream: the second request continued what the first had written.
        var continued = _emulator.Requests.Chats[1].Json.GetProperty("messages");
        Assert.Equal("assistant", continued[continued.GetArrayLength() - 1].GetProperty("role").GetString());
        var stored = await listener.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}");
        Assert.Equal(string.Concat(words), stored.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal("complete", stored.GetProperty("messages")[1].GetProperty("status").GetString());
        Console.WriteLine($"taken over {Stopwatch.GetElapsedTime(killedAt, recoveredAt).TotalSeconds:0.00} s after the kill");
    }

    [Fact]
    public async Task AGracefulStopOfTheOwner_HandsTheAnswerOver_AndNoListenerSeesAnInterruption()
    {
        var words = Enumerable.Range(0, 300).Select(i => $" w{i}").ToArray();
        var answer = ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)).Continuing();
        _emulator.Scripts.Enqueue(answer, answer);
        using var owner = new HttpClient { BaseAddress = _instances[0].Address, Timeout = TimeSpan.FromSeconds(60) };
        using var other = new HttpClient { BaseAddress = _instances[1].Address, Timeout = TimeSpan.FromSeconds(60) };
        using var created = await owner.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
        var session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var sent = await owner.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Count" });
        var eventsUrl = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!;

        // One listener on the owner itself: its stream ends without a final event, and it resumes on the other instance.
        var onOwner = Task.Run(async () =>
        {
            var seen = await new SseClient(owner, eventsUrl).ReadToEndAsync(timeout: TimeSpan.FromSeconds(60));
            Assert.DoesNotContain(seen, e => e.Type is "done" or "error");
            return seen.Concat(await new SseClient(other, eventsUrl).ReadToEndAsync(seen[^1].Id, TimeSpan.FromSeconds(60))).ToList();
        });
        var onOther = new List<ReceivedEvent>();
        Task? stopping = null;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in new SseClient(other, eventsUrl).ReadAsync(ct: deadline.Token))
        {
            onOther.Add(e);
            if (stopping is null && onOther.Count(x => x.Type == "delta") == 60)
            {
                stopping = _instances[0].StopGracefullyAsync();
            }
        }
        await stopping!;
        var resumed = await onOwner;

        foreach (var events in new[] { onOther, resumed })
        {
            Assert.Equal("done", events[^1].Type);
            Assert.DoesNotContain(events, e => e.Type == "error");
            Assert.Equal(string.Concat(words), events.AnswerText());
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
            Assert.Contains(events, e => e.Type == "status" && e.Data.GetProperty("state").GetString() == "recovering");
        }
        var stored = await other.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}");
        Assert.Equal(string.Concat(words), stored.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal("complete", stored.GetProperty("messages")[1].GetProperty("status").GetString());
    }
}
