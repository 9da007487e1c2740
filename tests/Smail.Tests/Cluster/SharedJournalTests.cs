using Npgsql;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using Smail.Tests.Sessions;

namespace Smail.Tests.Cluster;

/// <summary>PostgreSQL and Redis for one test class.</summary>
public sealed class EnginesFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; private set; } = null!;
    public RedisServer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => (Postgres, Redis) = (await PostgresServer.StartAsync(), await RedisServer.StartAsync());

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>
/// The journal of answers in progress is one table that every instance writes. An instance that starts while another
/// runs an answer replays only what nobody runs: the running answer keeps streaming, its lines stay until its end,
/// and then they go.
/// </summary>
public sealed class SharedJournalTests(EnginesFixture engines) : IClassFixture<EnginesFixture>
{
    [Fact]
    public async Task AnInstanceStartingMidAnswer_LeavesTheOthersAnswerAndItsJournalAlone_AndTheLinesGoAtItsEnd()
    {
        var database = await engines.Postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = database,
            ["ConnectionStrings:Redis"] = engines.Redis.Configuration,
        };
        await using var owner = await TestHost.StartAsync(settings);
        var words = Enumerable.Range(0, 300).Select(i => $" w{i}").ToArray();
        // The answer waits after 30 chunks until the newcomer has been looked at: it is surely running meanwhile.
        var looked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        owner.Emulator.Scripts.Enqueue(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)).HoldAfter(30, looked.Task));
        var session = await owner.CreateSessionAsync();
        var accepted = await owner.SendAsync(session, "Tell me a long story");
        await (await owner.Emulator.Requests.WaitForChatAsync()).WhenChunksSent(30);
        await WaitUntilAsync(async () => await JournalRowsAsync(database, accepted.GenerationId) >= 30);

        // A new instance starts (a rolling restart, a scale-up) while the answer runs on the owner.
        await using var newcomer = await TestHost.StartAsync(settings, owner.Emulator.BaseAddress);

        // As stored, not as the API shows a running answer: the newcomer's replay did not mark it interrupted, and the
        // answer's first line (its beginning) is still in the journal.
        Assert.Equal("streaming", await ScalarAsync<string>(database, "SELECT body->>'status' FROM messages WHERE id = @id", accepted.AssistantMessageId));
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM journal WHERE generation = @id AND line->>'type' = 'begin'", accepted.GenerationId));
        looked.SetResult();
        var events = await newcomer.Events(accepted.EventsUrl).ReadToEndAsync();
        Assert.Equal(string.Concat(words), events.AnswerText());
        var stored = (await newcomer.GetSessionAsync(session)).GetProperty("messages")[1];
        Assert.Equal("complete", stored.GetProperty("status").GetString());
        Assert.Equal(string.Concat(words), stored.GetProperty("content").GetString());
        await WaitUntilAsync(async () => await JournalRowsAsync(database, null) == 0);
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql, string id)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> JournalRowsAsync(string database, string? generation)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            generation is null ? "SELECT count(*) FROM journal" : "SELECT count(*) FROM journal WHERE generation = @generation", connection);
        if (generation is not null)
        {
            count.Parameters.AddWithValue("generation", generation);
        }
        return (long)(await count.ExecuteScalarAsync())!;
    }

    // Journal rows are written a commit interval after the text streams; this reads until they are there.
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
