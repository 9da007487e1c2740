using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Smail.OllamaEmulator.Scripting;
using Smail.Postgres;
using Smail.Sessions;
using Smail.Tests.Infrastructure;
using Smail.Tests.Sessions;

namespace Smail.Tests.Postgres;

/// <summary>
/// Smail on a real PostgreSQL (<c>Storage:Provider=postgres</c>): answers stream and are stored there, another
/// Smail on the same database reads them, instances that start at once migrate the schema once, and a database that
/// stops is an honest 503 that Smail recovers from by itself.
/// </summary>
public sealed class PostgresStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static Dictionary<string, string?> On(string database) => new()
    {
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:Postgres"] = database,
    };

    private static async Task<string> AskAsync(TestHost host, string question, string answer, string? session = null)
    {
        host.Emulator.Scripts.Enqueue(ChatScript.Answer(answer));
        session ??= await host.CreateSessionAsync();
        var events = await host.Events((await host.SendAsync(session, question)).EventsUrl).ReadToEndAsync();
        Assert.Equal("done", events[^1].Type);
        return session;
    }

    [Fact]
    public async Task AFileAndTheVersionsOfAnAnswer_AreInPostgres_SoAnotherSmailServesThemAlike()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        string session, file, first;
        await using (var one = await TestHost.StartAsync(On(database)))
        {
            session = await one.CreateSessionAsync("gemma3:4b");
            using var uploaded = await one.Client.PostAsync($"/api/sessions/{session}/attachments?name=dot.png", new ByteArrayContent(Attachments.SampleFiles.Png));
            file = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            one.Emulator.Scripts.Enqueue(ChatScript.Answer("A dot."), ChatScript.Answer("A small dot."));
            using var sent = await one.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "What is it?", attachments = new[] { file } });
            var accepted = await sent.Content.ReadFromJsonAsync<JsonElement>();
            first = accepted.GetProperty("assistantMessageId").GetString()!;
            await one.Events(accepted.GetProperty("eventsUrl").GetString()!).ReadToEndAsync();
            using var again = await one.Client.PostAsync($"/api/sessions/{session}/messages/{first}/regenerate", null);
            await one.Events((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!).ReadToEndAsync();
            // The regeneration was given the image again, read back from the database.
            Assert.Equal(Convert.ToBase64String(Attachments.SampleFiles.Png), one.Emulator.Requests.Chats[1].Json.GetProperty("messages")[0].GetProperty("images")[0].GetString());
        }

        await using var two = await TestHost.StartAsync(On(database));
        Assert.Equal(Attachments.SampleFiles.Png, await two.Client.GetByteArrayAsync($"/api/sessions/{session}/attachments/{file}"));
        var shown = await two.GetSessionAsync(session);
        Assert.Equal("A small dot.", shown.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(first, shown.GetProperty("siblings").GetProperty(shown.GetProperty("messages")[1].GetProperty("id").GetString()!)[0].GetString());
        using var back = await two.Client.PostAsync($"/api/sessions/{session}/messages/{first}/select", null);
        Assert.Equal("A dot.", (await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task AnAnswer_IsStoredInPostgres_AndAnotherSmailOnTheSameDatabaseReadsIt()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        string session;
        await using (var first = await TestHost.StartAsync(On(database)))
        {
            session = await AskAsync(first, "Where do I live?", "In a database.");
            var health = await first.Client.GetFromJsonAsync<JsonElement>("/api/health");
            Assert.Equal("postgres", health.GetProperty("store").GetProperty("provider").GetString());
            Assert.True(health.GetProperty("store").GetProperty("ok").GetBoolean());
            Assert.DoesNotContain("Password", health.GetProperty("store").GetProperty("path").GetString(), StringComparison.OrdinalIgnoreCase);
        }

        await using var second = await TestHost.StartAsync(On(database));
        var messages = (await second.GetSessionAsync(session)).GetProperty("messages");
        Assert.Equal(["Where do I live?", "In a database."], messages.EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.Equal("complete", messages[1].GetProperty("status").GetString());
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM messages WHERE conversation_id = @id", connection);
        count.Parameters.AddWithValue("id", session);
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task InstancesStartingAtOnce_MigrateTheSchemaOnce()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var sources = Enumerable.Range(0, 6).Select(_ => NpgsqlDataSource.Create(database)).ToList();

        var found = await Task.WhenAll(sources.Select(s => Task.Run(() => PostgresSchema.MigrateAsync(s, CancellationToken.None))));

        // Exactly one found an empty database; every other found it migrated.
        Assert.Equal(1, found.Count(v => v == 0));
        Assert.All(found.Where(v => v != 0), v => Assert.Equal(PostgresSchema.LatestVersion, v));
        await using var connection = await sources[0].OpenConnectionAsync();
        await using var versions = new NpgsqlCommand("SELECT count(*) FROM smail_schema", connection);
        Assert.Equal((long)PostgresSchema.LatestVersion, await versions.ExecuteScalarAsync());
        foreach (var source in sources)
        {
            await source.DisposeAsync();
        }
    }

    [Fact]
    public async Task WhenPostgresStops_RequestsAre503StoreUnavailable_NothingIsHalfWritten_AndSmailRecoversByItself()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        // The instance's own folder (its audit log; the journal is in PostgreSQL), kept for the restart at the end.
        var folder = Directory.CreateTempSubdirectory("smail-pg-folder-").FullName;
        var settings = new Dictionary<string, string?>(On(database)) { ["Storage:Path"] = folder };
        await using var host = await TestHost.StartAsync(settings);
        var session = await AskAsync(host, "Before", "Stored.");

        await postgres.Server.StopAsync();
        HttpResponseMessage created, sent, listed;
        JsonElement health;
        try
        {
            created = await host.Client.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
            sent = await host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "While it is down" });
            listed = await host.Client.GetAsync("/api/sessions");
            health = await host.Client.GetFromJsonAsync<JsonElement>("/api/health");
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }

        foreach (var refused in new[] { created, sent, listed })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("store_unavailable", problem.GetProperty("code").GetString());
            Assert.Contains("PostgreSQL", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.False(health.GetProperty("store").GetProperty("ok").GetBoolean());

        // Back without a restart of Smail; the message refused while it was down never appears, now or after a restart.
        await AskAsync(host, "After", "Also stored.", session);
        var contents = (await host.GetSessionAsync(session)).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString());
        Assert.Equal(["Before", "Stored.", "After", "Also stored."], contents);
        await host.DisposeAsync();
        await using (var restarted = await TestHost.StartAsync(settings))
        {
            Assert.Equal(4, (await restarted.GetSessionAsync(session)).GetProperty("messages").GetArrayLength());
        }
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task AMessageTheDatabaseRefused_IsNotBroughtBackByTheJournalAfterARestart()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var folder = Directory.CreateTempSubdirectory("smail-pg-folder-").FullName;
        var settings = new Dictionary<string, string?>(On(database)) { ["Storage:Path"] = folder };
        string session;
        await using (var host = await TestHost.StartAsync(settings))
        {
            session = await AskAsync(host, "Before", "Stored.");
            // The database reads but refuses to change a conversation: the message is journaled, then refused.
            await ExecuteAsync(database, """
                CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk quota exceeded'; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER refuse BEFORE UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION refuse();
                """);
            using var refused = await host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Refused" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("store_unavailable", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            await ExecuteAsync(database, "DROP TRIGGER refuse ON conversations");
        }

        await using (var restarted = await TestHost.StartAsync(settings))
        {
            var contents = (await restarted.GetSessionAsync(session)).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString());
            Assert.Equal(["Before", "Stored."], contents);
        }
        Directory.Delete(folder, recursive: true);
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
