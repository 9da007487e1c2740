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
    private readonly SmailProcess?[] _instances = new SmailProcess?[3];
    private string[] _settings = [];
    private NginxProxy _nginx = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        _settings = ["--Storage:Provider", "postgres", "--ConnectionStrings:Postgres", await postgres.Server.CreateDatabaseAsync(),
            "--ConnectionStrings:Redis", redis.Server.Configuration, "--Resilience:RetryDelay", "00:00:00.010"];
        for (var i = 0; i < 3; i++)
        {
            _instances[i] = await SmailProcess.StartAsync(_emulator.BaseAddress, null, _settings);
        }
        _nginx = await NginxProxy.StartAsync([.. _instances.Select(i => i!.Address)]);
        _client = new HttpClient { BaseAddress = _nginx.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _nginx.DisposeAsync();
        foreach (var instance in _instances)
        {
            if (instance is not null)
            {
                await instance.DisposeAsync();
            }
        }
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task RestartingEveryInstanceInTurn_During20Answers_LosesNothing()
    {
        var words = Enumerable.Range(0, 400).Select(i => $" w{i}").ToArray();
        var answer = ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)).Continuing();
        // One script per request: the 20 answers, and every request that carries one on after a handover.
        _emulator.Scripts.Enqueue([.. Enumerable.Repeat(answer, 200)]);
        var started = new List<(string Session, string EventsUrl)>();
        for (var i = 0; i < 20; i++)
        {
            using var created = await _client.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
            var session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            using var sent = await _client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = $"Count {i}" });
            started.Add((session, (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!));
        }
        var listening = started.Select(s => Task.Run(() => ReadWholeAsync(s.EventsUrl))).ToArray();

        for (var i = 0; i < 3; i++)
        {
            var address = _instances[i]!.Address;
            await _instances[i]!.StopGracefullyAsync();
            await _instances[i]!.DisposeAsync();
            _instances[i] = null;
            _instances[i] = await SmailProcess.StartAsync(_emulator.BaseAddress, null, [.. _settings, "--urls", address.ToString()]);
        }
        var heard = await Task.WhenAll(listening);

        foreach (var (events, (session, _)) in heard.Zip(started))
        {
            Assert.Equal("done", events[^1].Type);
            Assert.DoesNotContain(events, e => e.Type == "error");
            Assert.Equal(string.Concat(words), events.AnswerText());
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
            var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}");
            Assert.Equal(string.Concat(words), stored.GetProperty("messages")[1].GetProperty("content").GetString());
            Assert.Equal("complete", stored.GetProperty("messages")[1].GetProperty("status").GetString());
        }
    }

    /// <summary>Reads an answer to its end through nginx, resuming after its last event whenever a stream ends early or breaks.</summary>
    private async Task<List<ReceivedEvent>> ReadWholeAsync(string eventsUrl)
    {
        var events = new List<ReceivedEvent>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (events.Count == 0 || events[^1].Type is not ("done" or "error"))
        {
            try
            {
                await foreach (var e in new SseClient(_client, eventsUrl).ReadAsync(events.Count == 0 ? null : events[^1].Id, deadline.Token))
                {
                    events.Add(e);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !deadline.IsCancellationRequested)
            {
                // The instance went away mid-stream: the next request lands on another.
            }
        }
        return events;
    }
}
