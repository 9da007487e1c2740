using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using Smail.Tests.Sessions;

namespace Smail.Tests.Durability;

/// <summary>
/// Smail as a real process, killed with SIGKILL, restarted on the same store: the journal's promises, with the JSON
/// files (the journal on the instance's disk) and with PostgreSQL (the journal in the database, nothing on the disk).
/// The bounds here are generous so a busy machine cannot fail them; the benchmark measures the real window.
/// </summary>
public abstract class CrashTests
{
    private static readonly TimeSpan s_generousLossBound = TimeSpan.FromSeconds(1);

    /// <summary>The settings of the store under test, for one test: the processes it starts and restarts share them.</summary>
    protected abstract Task<string[]> StoreSettingsAsync();

    /// <summary>After the restart: every line was replayed and is gone, wherever this store keeps its journal.</summary>
    protected abstract Task AssertNothingLeftToReplayAsync(string folder, string[] settings);

    private static Task<SmailProcess> StartAsync(Uri upstream, string folder, string[] settings) => SmailProcess.StartAsync(upstream, folder, settings);

    [Fact]
    public async Task AfterKill9MidAnswer_TheAnswerKeepsEveryWordAListenerHadWellBeforeTheKill()
    {
        await using var emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        var words = Enumerable.Range(0, 400).Select(i => $" w{i}").ToArray();
        emulator.Scripts.Enqueue(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        var store = Directory.CreateTempSubdirectory("smail-crash-").FullName;
        var settings = await StoreSettingsAsync();
        string session;
        long killedAt;
        var received = new List<(long At, string Text)>();
        await using (var smail = await StartAsync(emulator.BaseAddress, store, settings))
        {
            using var http = new HttpClient { BaseAddress = smail.Address };
            session = await CreateSessionAsync(http);
            var accepted = await SendAsync(http, session, "Count slowly");
            await foreach (var e in new SseClient(http, accepted.GetProperty("eventsUrl").GetString()!).ReadAsync())
            {
                if (e.Type == "delta")
                {
                    received.Add((Stopwatch.GetTimestamp(), e.Text));
                }
                if (received.Count == 100)
                {
                    break;
                }
            }
            killedAt = Stopwatch.GetTimestamp();
            await smail.KillAsync();
        }

        await using var restarted = await StartAsync(emulator.BaseAddress, store, settings);
        using var client = new HttpClient { BaseAddress = restarted.Address };
        var messages = (await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages");

        Assert.Equal("Count slowly", messages[0].GetProperty("content").GetString());
        var answer = messages[1];
        Assert.Equal("interrupted", answer.GetProperty("status").GetString());
        var kept = answer.GetProperty("content").GetString()!;
        Assert.StartsWith(kept, string.Concat(words), StringComparison.Ordinal);
        var wellBefore = killedAt - (long)(s_generousLossBound.TotalSeconds * Stopwatch.Frequency);
        Assert.StartsWith(string.Concat(received.Where(r => r.At < wellBefore).Select(r => r.Text)), kept, StringComparison.Ordinal);
        var sentWellBefore = emulator.Requests.Chats[0].ChunkSentTimestamps.Count(t => t < wellBefore - Stopwatch.Frequency / 10);
        Assert.StartsWith(string.Concat(words.Take(sentWellBefore)), kept, StringComparison.Ordinal);
        Assert.True(received.Count(r => r.At < wellBefore) >= 20, "the listener had text well before the kill");
        await AssertNothingLeftToReplayAsync(store, settings);
        await restarted.DisposeAsync();
        Directory.Delete(store, recursive: true);
    }

    [Fact]
    public async Task AfterKill9RightAfterTheirAcknowledgements_EveryConversationAndMessageIsThere()
    {
        await using var emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Repeat(" slow", 200)]).WithDelays(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50)));
        }
        var store = Directory.CreateTempSubdirectory("smail-crash-").FullName;
        var settings = await StoreSettingsAsync();
        var sent = new List<(string Session, string Question)>();
        await using (var smail = await StartAsync(emulator.BaseAddress, store, settings))
        {
            using var http = new HttpClient { BaseAddress = smail.Address };
            await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            {
                var session = await CreateSessionAsync(http);
                await SendAsync(http, session, $"Question {i}");
                lock (sent)
                {
                    sent.Add((session, $"Question {i}"));
                }
            }));
            var emptyOne = await CreateSessionAsync(http);
            sent.Add((emptyOne, ""));
            await smail.KillAsync();
        }

        await using var restarted = await StartAsync(emulator.BaseAddress, store, settings);
        using var client = new HttpClient { BaseAddress = restarted.Address };
        foreach (var (session, question) in sent)
        {
            var messages = (await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages");
            if (question.Length == 0)
            {
                Assert.Equal(0, messages.GetArrayLength());
                continue;
            }
            Assert.Equal(question, messages[0].GetProperty("content").GetString());
            Assert.Equal("interrupted", messages[1].GetProperty("status").GetString());
        }
        await AssertNothingLeftToReplayAsync(store, settings);
        await restarted.DisposeAsync();
        Directory.Delete(store, recursive: true);
    }

    [Fact]
    public async Task AfterKill9WhileAnEditIsAnswered_TheRestartKeepsBothVersions_TheEditsAnswerInterrupted()
    {
        await using var emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        emulator.Scripts.Enqueue(ChatScript.Answer("A1"), ChatScript.Answer([.. Enumerable.Repeat(" slow", 100)]).StallAfter(5));
        var store = Directory.CreateTempSubdirectory("smail-crash-").FullName;
        var settings = await StoreSettingsAsync();
        string session, firstQuestion;
        JsonElement before;
        await using (var smail = await StartAsync(emulator.BaseAddress, store, settings))
        {
            using var http = new HttpClient { BaseAddress = smail.Address };
            session = await CreateSessionAsync(http);
            var first = await SendAsync(http, session, "Q1");
            firstQuestion = first.GetProperty("userMessageId").GetString()!;
            await new SseClient(http, first.GetProperty("eventsUrl").GetString()!).ReadToEndAsync();
            before = (await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages");
            using var edited = await http.PostAsJsonAsync($"/api/sessions/{session}/messages/{firstQuestion}/edit", new { content = "Q1, better" });
            var edit = await edited.Content.ReadFromJsonAsync<JsonElement>();
            await ReadDeltasAsync(http, edit.GetProperty("eventsUrl").GetString()!, 5);
            await smail.KillAsync();
        }

        await using var restarted = await StartAsync(emulator.BaseAddress, store, settings);
        using var client = new HttpClient { BaseAddress = restarted.Address };
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}");
        var shown = after.GetProperty("messages");
        Assert.Equal("Q1, better", shown[0].GetProperty("content").GetString());
        Assert.Equal("interrupted", shown[1].GetProperty("status").GetString());
        // What the journal had of the answer: all of it on a disk that syncs each line, maybe less on a database that commits in groups.
        Assert.StartsWith(shown[1].GetProperty("content").GetString()!, string.Concat(Enumerable.Repeat(" slow", 100)), StringComparison.Ordinal);
        Assert.Equal(2, after.GetProperty("siblings").GetProperty(shown[0].GetProperty("id").GetString()!).GetArrayLength());
        using var back = await client.PostAsync($"/api/sessions/{session}/messages/{firstQuestion}/select", null);
        Assert.Equal(before.GetRawText(), (await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages").GetRawText());
        await restarted.DisposeAsync();
        Directory.Delete(store, recursive: true);
    }

    protected static async Task<string> CreateSessionAsync(HttpClient http)
    {
        using var created = await http.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    protected static async Task<JsonElement> SendAsync(HttpClient http, string session, string content)
    {
        using var sent = await http.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content });
        sent.EnsureSuccessStatusCode();
        return await sent.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected static async Task ReadDeltasAsync(HttpClient http, string eventsUrl, int count)
    {
        var seen = 0;
        await foreach (var e in new SseClient(http, eventsUrl).ReadAsync())
        {
            if (e.Type == "delta" && ++seen == count)
            {
                return;
            }
        }
    }
}

/// <summary>The JSON files: the journal is this instance's files, and a journal can be replayed twice.</summary>
public sealed class CrashTestsOnJson : CrashTests
{
    protected override Task<string[]> StoreSettingsAsync() => Task.FromResult<string[]>([]);

    protected override Task AssertNothingLeftToReplayAsync(string folder, string[] settings)
    {
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "journal"), "*.journal"));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnInterruptedAnswer_CanBeContinuedAfterTheRestart_AndReplayingTwiceChangesNothing()
    {
        await using var emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 400).Select(i => $" a{i}")]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        var store = Directory.CreateTempSubdirectory("smail-crash-").FullName;
        string session, answerId;
        await using (var smail = await SmailProcess.StartAsync(emulator.BaseAddress, store))
        {
            using var http = new HttpClient { BaseAddress = smail.Address };
            session = await CreateSessionAsync(http);
            var accepted = await SendAsync(http, session, "Go");
            answerId = accepted.GetProperty("assistantMessageId").GetString()!;
            await ReadDeltasAsync(http, accepted.GetProperty("eventsUrl").GetString()!, 40);
            await smail.KillAsync();
        }
        // A copy of the journal as the crash left it, to replay a second time after the first replay.
        var journalCopy = Directory.CreateTempSubdirectory("smail-journal-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(store, "journal")))
        {
            File.Copy(file, Path.Combine(journalCopy, Path.GetFileName(file)));
        }
        string kept;
        await using (var restarted = await SmailProcess.StartAsync(emulator.BaseAddress, store))
        {
            using var client = new HttpClient { BaseAddress = restarted.Address };
            kept = (await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages")[1].GetProperty("content").GetString()!;
            Assert.NotEmpty(kept);
            await restarted.KillAsync();
        }
        foreach (var file in Directory.GetFiles(journalCopy))
        {
            File.Copy(file, Path.Combine(store, "journal", Path.GetFileName(file)));
        }

        await using var again = await SmailProcess.StartAsync(emulator.BaseAddress, store);
        using var http2 = new HttpClient { BaseAddress = again.Address };
        Assert.Equal(kept, (await http2.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages")[1].GetProperty("content").GetString());
        emulator.Scripts.Enqueue(ChatScript.Answer(" and the end."));
        using var continued = await http2.PostAsync($"/api/sessions/{session}/messages/{answerId}/continue", null);
        var eventsUrl = (await continued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!;
        var events = await new SseClient(http2, eventsUrl).ReadToEndAsync();

        Assert.Equal(kept + " and the end.", events.AnswerText());
        var final = (await http2.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages")[1];
        Assert.Equal("complete", final.GetProperty("status").GetString());
        Assert.Equal(kept + " and the end.", final.GetProperty("content").GetString());
        await again.DisposeAsync();
        Directory.Delete(store, recursive: true);
        Directory.Delete(journalCopy, recursive: true);
    }
}

/// <summary>
/// PostgreSQL without Redis: the journal is rows in the database, so an instance that keeps nothing on its disk (a
/// container) still brings back every word after a crash. Its folder never holds a journal file.
/// </summary>
public sealed class CrashTestsOnPostgres(PostgresFixture postgres) : CrashTests, IClassFixture<PostgresFixture>
{
    protected override async Task<string[]> StoreSettingsAsync() =>
        ["--Storage:Provider", "postgres", "--ConnectionStrings:Postgres", await postgres.Server.CreateDatabaseAsync()];

    protected override async Task AssertNothingLeftToReplayAsync(string folder, string[] settings)
    {
        Assert.False(Directory.Exists(Path.Combine(folder, "journal")) && Directory.EnumerateFiles(Path.Combine(folder, "journal")).Any());
        await using var connection = new Npgsql.NpgsqlConnection(settings[Array.IndexOf(settings, "--ConnectionStrings:Postgres") + 1]);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM journal", connection);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }
}
