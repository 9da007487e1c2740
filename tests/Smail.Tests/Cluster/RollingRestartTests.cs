using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using Smail.Tests.Sessions;

namespace Smail.Tests.Cluster;

/// <summary>
/// A rolling restart: three Smail processes behind nginx restarted one after another (SIGTERM, then started again
/// on the same address) while 20 answers stream. Each answer is handed from instance to instance, each listener
/// resumes through nginx wherever it lands, and every answer arrives whole and is stored whole.
/// </summary>
public sealed class RollingRestartTests(PostgresFixture postgres, RedisFixture redis)
    : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>, IAsyncLifetime
{
    private OllamaEmulator.OllamaEmulator _emulator = null!;
    private SmailCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        _cluster = await SmailCluster.StartAsync(3, postgres.Server, redis.Server, _emulator.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task RestartingEveryInstanceInTurn_During20Answers_LosesNothing()
    {
        var words = Enumerable.Range(0, 400).Select(i => $" w{i}").ToArray();
        // One script per request: the 20 answers, and every request that carries one on after a handover.
        _emulator.Scripts.Enqueue([.. Enumerable.Repeat(SmailCluster.Counting(words, delayMs: 25), 200)]);
        var started = new List<(string Session, string EventsUrl)>();
        for (var i = 0; i < 20; i++)
        {
            using var created = await _cluster.Client.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
            var session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            using var sent = await _cluster.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = $"Count {i}" });
            started.Add((session, (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!));
        }
        var listening = started.Select(s => Task.Run(() => _cluster.ReadWholeAsync(s.EventsUrl))).ToArray();

        for (var i = 0; i < 3; i++)
        {
            await _cluster.RestartAsync(i, gracefully: true);
        }
        var heard = await Task.WhenAll(listening);

        foreach (var (events, (session, _)) in heard.Zip(started))
        {
            Assert.Equal("done", events[^1].Type);
            Assert.DoesNotContain(events, e => e.Type == "error");
            Assert.Equal(string.Concat(words), events.AnswerText());
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
            var stored = await _cluster.Client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}");
            Assert.Equal(string.Concat(words), stored.GetProperty("messages")[1].GetProperty("content").GetString());
            Assert.Equal("complete", stored.GetProperty("messages")[1].GetProperty("status").GetString());
        }
    }
}
