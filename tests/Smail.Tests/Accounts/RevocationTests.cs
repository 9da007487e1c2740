using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using static Smail.Tests.Infrastructure.Accounts;

namespace Smail.Tests.Accounts;

/// <summary>
/// Tokens and revocation: a revoked token, a disabled or deleted account, and a sign-out stop working at once,
/// and end the streams they opened within a second (Open WebUI CVE-2026-44553, AnythingLLM CVE-2026-32717).
/// </summary>
public sealed class RevocationTests : HostedTest
{
    private HttpClient _admin = null!;
    private HttpClient _user = null!;
    private string _userId = "";

    public override async Task InitializeAsync()
    {
        await InitializeAsync(LocalMode());
        _admin = Host.Client;
        _user = Host.NewClient();
        await _admin.SignUpAsync("admin");
        _userId = (await _user.SignUpAsync("grace")).GetProperty("id").GetString()!;
    }

    private HttpClient WithToken(string token)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = Host.App.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<(string Id, string Token)> CreateTokenAsync(HttpClient client, string name = "script")
    {
        using var response = await client.PostAsJsonAsync("/api/tokens", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetString()!, created.GetProperty("token").GetString()!);
    }

    /// <summary>A long answer, streaming slowly, and a listener on it; completes when the listener's stream ends, however it ends.</summary>
    /// <summary>
    /// How soon a revoked stream must end: generous, so a loaded machine cannot fail it (a pair run once took more than a
    /// second), and still far below the 40 s the long answer would go on for. It ends in milliseconds.
    /// </summary>
    private static readonly TimeSpan CutOff = TimeSpan.FromSeconds(10);

    private async Task<Task<TimeSpan>> ListenToALongAnswerAsync(HttpClient client, Stopwatch clock)
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 2000).Select(i => $" w{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        var session = await client.CreateSessionAsync();
        var accepted = await client.SendAsync(session, "Tell me a long story");
        var response = await client.GetAsync(accepted.EventsUrl, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        Assert.True(await stream.ReadAsync(buffer) > 0);
        return Task.Run(async () =>
        {
            try
            {
                while (await stream.ReadAsync(buffer) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                // Cut off: what revocation does.
            }
            response.Dispose();
            return clock.Elapsed;
        });
    }

    [Fact]
    public async Task AToken_WorksLikeItsOwner_IsShownOnce_AndOnceRevokedIs401AtOnce_AndItsStreamEnds()
    {
        var session = await _user.CreateSessionAsync("Grace's");
        var (id, token) = await CreateTokenAsync(_user);
        Assert.StartsWith("smail_", token, StringComparison.Ordinal);
        var listed = await _user.GetStringAsync("/api/tokens");
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token, await File.ReadAllTextAsync(Path.Combine(Host.App.StorePath, "accounts.json")), StringComparison.Ordinal);

        using var script = WithToken(token);
        var list = await script.GetFromJsonAsync<JsonElement>("/api/sessions");
        Assert.Equal([session], list.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        // Its owner's rights, not more: the admin routes are not there for it.
        Assert.Equal(HttpStatusCode.NotFound, (await script.GetAsync("/api/admin/users")).StatusCode);

        var clock = new Stopwatch();
        var ended = await ListenToALongAnswerAsync(script, clock);
        clock.Start();
        Assert.Equal(HttpStatusCode.NoContent, (await _user.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        Assert.True(await ended.WaitAsync(CutOff) < CutOff, "the token's stream outlived it");
        using var after = await script.GetAsync("/api/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("unauthenticated", await CodeOf(after));
    }

    [Fact]
    public async Task ABadBearerToken_Is401_EvenWithAValidCookie()
    {
        _user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "smail_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _user.GetAsync("/api/sessions")).StatusCode);
        _user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.e30.");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _user.GetAsync("/api/sessions")).StatusCode);
        _user.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.OK, (await _user.GetAsync("/api/sessions")).StatusCode);
    }

    [Fact]
    public async Task DisablingAUser_EndsTheirLiveStreamWithinASecond_AndTheirCookieAndTokens_UntilEnabled()
    {
        var (_, token) = await CreateTokenAsync(_user);
        var clock = new Stopwatch();
        var ended = await ListenToALongAnswerAsync(_user, clock);
        using var feed = await _user.GetAsync("/api/changes", HttpCompletionOption.ResponseHeadersRead);
        var feedEnded = Task.Run(async () =>
        {
            try
            {
                await (await feed.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
            }
            return clock.Elapsed;
        });

        clock.Start();
        (await _admin.PostAsync($"/api/admin/users/{_userId}/disable", null)).EnsureSuccessStatusCode();
        Assert.True(await ended.WaitAsync(CutOff) < CutOff, "the disabled user's stream went on");
        Assert.True(await feedEnded.WaitAsync(CutOff) < CutOff, "the disabled user's change feed went on");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _user.GetAsync("/api/sessions")).StatusCode);
        using var script = WithToken(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/sessions")).StatusCode);
        using var signIn = await _user.SignInAsync("grace");
        Assert.Equal("account_disabled", await CodeOf(signIn));

        (await _admin.PostAsync($"/api/admin/users/{_userId}/enable", null)).EnsureSuccessStatusCode();
        // Tokens issued before the disable stay revoked; a new sign-in works.
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/sessions")).StatusCode);
        (await _user.SignInAsync("grace")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await _user.GetAsync("/api/sessions")).StatusCode);
    }

    [Fact]
    public async Task SigningOut_EndsThatBrowsersOpenStreams()
    {
        var clock = new Stopwatch();
        var ended = await ListenToALongAnswerAsync(_user, clock);
        clock.Start();
        Assert.Equal(HttpStatusCode.NoContent, (await _user.PostAsync("/api/auth/signout", null)).StatusCode);
        Assert.True(await ended.WaitAsync(CutOff) < CutOff, "the signed-out browser's stream went on");
    }

    [Fact]
    public async Task DeletingAUser_RemovesThemAndTheirConversations_AndTheAuditLogRecordsIt()
    {
        var session = await _user.CreateSessionAsync("to be removed");
        var adminsOwn = await _admin.CreateSessionAsync("stays");
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/api/admin/users/{_userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _user.GetAsync("/api/sessions")).StatusCode);
        var users = await _admin.GetFromJsonAsync<JsonElement>("/api/admin/users");
        Assert.Equal(["admin"], users.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("username").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/sessions/{session}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/api/sessions/{adminsOwn}")).StatusCode);
        // The name is free again.
        using var again = Host.NewClient();
        await again.SignUpAsync("grace");

        var audit = await _admin.GetFromJsonAsync<JsonElement>("/api/admin/audit");
        var actions = audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("delete", actions);
        Assert.Contains("sign_up", actions);
    }

    [Fact]
    public async Task AnAdminCannotDisableOrDeleteThemselves_AndANonAdminSeesNoAdminRoutes()
    {
        var me = (await _admin.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        using var disable = await _admin.PostAsync($"/api/admin/users/{me}/disable", null);
        Assert.Equal("cannot_change_self", await CodeOf(disable));
        using var delete = await _admin.DeleteAsync($"/api/admin/users/{me}");
        Assert.Equal("cannot_change_self", await CodeOf(delete));
        foreach (var path in new[] { "/api/admin/users", "/api/admin/audit" })
        {
            using var response = await _user.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using var notFound = await _admin.PostAsync($"/api/admin/users/{Guid.NewGuid():N}/approve", null);
        Assert.Equal("user_not_found", await CodeOf(notFound));
    }
}
