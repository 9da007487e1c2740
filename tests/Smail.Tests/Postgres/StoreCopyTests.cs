using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using Smail.Tests.Sessions;

namespace Smail.Tests.Postgres;

/// <summary><c>store copy --from json --to postgres</c>, run as a person runs it: Smail's own executable, with Smail stopped.</summary>
public sealed class StoreCopyTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task AJsonInstallation_MovesToPostgres_WithEveryConversationAndAnswer_AndASecondRunCopiesNothingTwice()
    {
        var folder = Directory.CreateTempSubdirectory("smail-copy-").FullName;
        var database = await postgres.Server.CreateDatabaseAsync();
        var asked = new List<(string Session, string Question, string Answer)>();
        await using (var json = await TestHost.StartAsync(new Dictionary<string, string?> { ["Storage:Path"] = folder }))
        {
            foreach (var (question, answer) in new[] { ("First?", "One."), ("Second?", "Two, with ünïcødé 🎉."), ("Third?", "Three.") })
            {
                json.Emulator.Scripts.Enqueue(ChatScript.Answer(answer));
                var session = await json.CreateSessionAsync();
                await json.Events((await json.SendAsync(session, question)).EventsUrl).ReadToEndAsync();
                asked.Add((session, question, answer));
            }
        }

        var (exit, output) = await SmailProcess.RunToEndAsync(
            ["store", "copy", "--from", "json", "--to", "postgres", "--Storage:Path", folder, "--ConnectionStrings:Postgres", database]);
        var (again, secondOutput) = await SmailProcess.RunToEndAsync(
            ["store", "copy", "--from", "json", "--to", "postgres", "--Storage:Path", folder, "--ConnectionStrings:Postgres", database]);

        Assert.Equal(0, exit);
        Assert.Contains("Copied 3 conversations", output, StringComparison.Ordinal);
        Assert.Equal(0, again);
        Assert.Contains("Copied 0 conversations", secondOutput, StringComparison.Ordinal);
        Assert.Contains("3 were there already", secondOutput, StringComparison.Ordinal);
        await using var onPostgres = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = database,
        });
        var listed = (await onPostgres.Client.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("sessions").EnumerateArray()
            .Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal(asked.Select(a => a.Session).Reverse(), listed);
        foreach (var (session, question, answer) in asked)
        {
            var messages = (await onPostgres.GetSessionAsync(session)).GetProperty("messages");
            Assert.Equal([question, answer], messages.EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        }
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Accounts_MoveWithTheirPasswordsAndTokens_ToADatabaseWithoutAccounts_AndOnlyThen()
    {
        var folder = Directory.CreateTempSubdirectory("smail-copy-accounts-").FullName;
        var database = await postgres.Server.CreateDatabaseAsync();
        string token;
        await using (var json = await TestHost.StartAsync(Infrastructure.Accounts.LocalMode(more: new Dictionary<string, string?> { ["Storage:Path"] = folder })))
        {
            using var ada = json.NewClient();
            await ada.SignUpAsync("ada");
            using var created = await ada.PostAsJsonAsync("/api/tokens", new { name = "script" });
            token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        }

        string[] copy = ["store", "copy", "--from", "json", "--to", "postgres", "--Storage:Path", folder, "--ConnectionStrings:Postgres", database];
        var (exit, output) = await SmailProcess.RunToEndAsync(copy);
        var (_, again) = await SmailProcess.RunToEndAsync(copy);

        Assert.Equal(0, exit);
        Assert.Contains("Copied 1 accounts", output, StringComparison.Ordinal);
        Assert.Contains("The target has accounts already", again, StringComparison.Ordinal);
        await using var onPostgres = await TestHost.StartAsync(Infrastructure.Accounts.LocalMode(more: new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = database,
        }));
        using var signedIn = onPostgres.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await signedIn.SignInAsync("ada")).StatusCode);
        using var byToken = onPostgres.NewClient();
        byToken.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        Assert.Equal("ada", (await byToken.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("username").GetString());
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("--from", "json")]
    [InlineData("--from", "json", "--to", "json")]
    [InlineData("--from", "sqlite", "--to", "postgres")]
    public async Task AWrongCopy_IsRefusedWithItsUsage(params string[] options)
    {
        var (exit, output) = await SmailProcess.RunToEndAsync(["store", "copy", .. options]);

        Assert.Equal(2, exit);
        Assert.Contains("Usage: smail store copy --from json --to postgres", output, StringComparison.Ordinal);
    }
}
