using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Accounts;

/// <summary>
/// <c>Auth:Mode=oidc</c> against a real OpenID Connect exchange with a provider the test runs
/// (<see cref="OidcIssuer"/>): the browser's redirects, followed by a client with its own cookies.
/// </summary>
public sealed class OidcTests : IAsyncLifetime
{
    private OidcIssuer _issuer = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await OidcIssuer.StartAsync();
        _host = await TestHost.StartAsync(_issuer.SmailSettings());
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    /// <summary>A browser: follows redirects, keeps cookies, and starts at Smail's single sign-on link.</summary>
    private async Task<(HttpClient Browser, HttpResponseMessage Landing)> SignInAsync(OidcIssuer.User user)
    {
        _issuer.NextUser = user;
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true })
        {
            BaseAddress = _host.App.BaseAddress,
        };
        var landing = await browser.GetAsync("/api/auth/oidc");
        return (browser, landing);
    }

    [Fact]
    public async Task TheFirstPersonIsAnActiveAdmin_TheNextWaits_AndTheAdminGroupMakesAnAdmin()
    {
        var (ada, landing) = await SignInAsync(new("sub-1", "ada"));
        Assert.Equal(HttpStatusCode.OK, landing.StatusCode);
        Assert.True(landing.RequestMessage!.RequestUri!.AbsolutePath == "/", $"{landing.RequestMessage.RequestUri} {string.Join("\n", _host.App.Logs.All.Select(l => l.Message + " " + l.Exception?.Message))}");
        var me = await ada.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("ada", me.GetProperty("username").GetString());
        Assert.Equal("admin", me.GetProperty("role").GetString());
        Assert.Equal("oidc", me.GetProperty("mode").GetString());
        Assert.Equal(1, _issuer.TokensIssued);

        var (grace, waiting) = await SignInAsync(new("sub-2", "grace"));
        Assert.Equal("/signin.html", waiting.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("?status=pending", waiting.RequestMessage.RequestUri.Query);
        Assert.Equal(HttpStatusCode.Unauthorized, (await grace.GetAsync("/api/sessions")).StatusCode);

        // Members of the admin group are admins from their first sign-in, with no approval to wait for.
        var (boss, _) = await SignInAsync(new("sub-3", "boss", "smail-admins"));
        Assert.Equal("admin", (await boss.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString());

        var users = await ada.GetFromJsonAsync<JsonElement>("/api/admin/users");
        var graceId = users.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("username").GetString() == "grace").GetProperty("id").GetString();
        (await ada.PostAsync($"/api/admin/users/{graceId}/approve", null)).EnsureSuccessStatusCode();
        var (graceAgain, _) = await SignInAsync(new("sub-2", "grace"));
        Assert.Equal("user", (await graceAgain.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString());
        // The same person signing in again is the same account, not a new "grace-2".
        Assert.Equal(3, (await ada.GetFromJsonAsync<JsonElement>("/api/admin/users")).GetProperty("users").GetArrayLength());
    }

    [Fact]
    public async Task SigningOut_EndsTheSignIn_AndPasswordsAreNotUsed()
    {
        var (ada, _) = await SignInAsync(new("sub-1", "ada"));
        Assert.Equal(HttpStatusCode.OK, (await ada.GetAsync("/api/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ada.PostAsync("/api/auth/signout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ada.GetAsync("/api/sessions")).StatusCode);
        using var password = await ada.PostAsJsonAsync("/api/auth/signin", new { username = "ada", password = "anything at all" });
        Assert.Equal(HttpStatusCode.NotFound, password.StatusCode);
    }
}
