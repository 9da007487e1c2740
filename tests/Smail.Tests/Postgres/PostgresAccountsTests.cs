using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Smail.Accounts;
using Smail.Accounts.Authentication;
using Smail.Sessions;
using Smail.Tests.Infrastructure;
using Smail.Tests.Sessions;

namespace Smail.Tests.Postgres;

/// <summary>
/// Two Smail instances on one PostgreSQL, with accounts: a sign-in on one is a sign-in on the other (shared accounts
/// and cookie keys), and a revocation on one ends the open requests on the other.
/// </summary>
public sealed class PostgresAccountsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static HttpClient Client(TestHost host, CookieContainer? cookies = null) =>
        new(cookies is null ? new HttpClientHandler { UseCookies = false } : new HttpClientHandler { CookieContainer = cookies, UseCookies = true })
        {
            BaseAddress = host.App.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    [Fact]
    public async Task ASignInOnOneInstance_WorksOnTheOther_AndARevocationOnOneEndsRequestsOnTheOther()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var settings = Infrastructure.Accounts.LocalMode(more: new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = database,
        });
        await using var first = await TestHost.StartAsync(settings);
        await using var second = await TestHost.StartAsync(settings);
        var cookies = new CookieContainer();
        using var onFirst = Client(first, cookies);
        using var onSecond = Client(second, cookies);

        // Signed up (and in) on the first; the same cookie is good on the second, and so is what it made.
        await onFirst.SignUpAsync("ada");
        Assert.Equal("ada", (await onSecond.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("username").GetString());
        var session = await onFirst.CreateSessionAsync("Shared");
        Assert.Contains(session, await onSecond.GetStringAsync("/api/sessions"), StringComparison.Ordinal);

        // A token made on the second works on the first; revoked on the second, it ends the first's open change feed.
        using var created = await onSecond.PostAsJsonAsync("/api/tokens", new { name = "script" });
        var token = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var byToken = Client(first);
        byToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        using var feed = await byToken.GetAsync("/api/changes", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        var feedEnded = Task.Run(async () =>
        {
            try
            {
                await (await feed.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
            }
        });
        Assert.Equal(HttpStatusCode.NoContent, (await onSecond.DeleteAsync($"/api/tokens/{token.GetProperty("id").GetString()}")).StatusCode);
        await feedEnded.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await byToken.GetAsync("/api/auth/me")).StatusCode);

        // Signed out on the second: the same cookie, sent to the first, is refused there too.
        var cookie = cookies.GetCookieHeader(first.App.BaseAddress);
        Assert.Equal(HttpStatusCode.NoContent, (await onSecond.PostAsync("/api/auth/signout", null)).StatusCode);
        using var replayed = Client(first);
        replayed.DefaultRequestHeaders.Add("Cookie", cookie);
        await WaitUntilAsync(async () => (await replayed.GetAsync("/api/auth/me")).StatusCode == HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// A token stored by another instance whose notice has not arrived (here: written with no notice at all) is
    /// read before it is refused, so a script that makes a token through one instance and uses it at once through
    /// the next one is not told 401 by chance. An unknown token still is, and one bad token costs one small query.
    /// </summary>
    [Fact]
    public async Task AnApiTokenStoredWithoutANotice_IsFoundOnItsFirstUse_AndAnUnknownOneIsStillRefused()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var settings = Infrastructure.Accounts.LocalMode(more: new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = database,
        });
        await using var host = await TestHost.StartAsync(settings);
        using var owner = Client(host, new CookieContainer());
        await owner.SignUpAsync("ada");
        var accountId = (await owner.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString()!;

        var secret = BearerTokenHandler.NewSecret();
        await AddTokenSilentlyAsync(database, new ApiToken(SmailIds.New(), accountId, "made elsewhere", BearerTokenHandler.Hash(secret), DateTimeOffset.UtcNow));
        using var byToken = Client(host);
        byToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal("ada", (await byToken.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("username").GetString());

        using var byUnknown = Client(host);
        byUnknown.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BearerTokenHandler.NewSecret());
        Assert.Equal(HttpStatusCode.Unauthorized, (await byUnknown.GetAsync("/api/auth/me")).StatusCode);
    }

    /// <summary>Adds a token to the stored accounts as another instance would, but without telling anyone.</summary>
    private static async Task AddTokenSilentlyAsync(string database, ApiToken token)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        AccountsDocument stored;
        await using (var read = new NpgsqlCommand("SELECT document FROM accounts_document WHERE id = 1 FOR UPDATE", connection, transaction))
        {
            stored = JsonSerializer.Deserialize((string)(await read.ExecuteScalarAsync())!, AccountsJsonContext.Default.AccountsDocument)!;
        }
        await using (var write = new NpgsqlCommand("UPDATE accounts_document SET version = version + 1, document = @document WHERE id = 1", connection, transaction))
        {
            write.Parameters.Add(new NpgsqlParameter("document", NpgsqlTypes.NpgsqlDbType.Jsonb)
            {
                Value = JsonSerializer.Serialize(stored with { Tokens = stored.Tokens.Add(token) }, AccountsJsonContext.Default.AccountsDocument),
            });
            await write.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
