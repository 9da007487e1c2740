using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.Tests.Infrastructure;
using static Smail.Tests.Infrastructure.Accounts;

namespace Smail.Tests.Accounts;

/// <summary>Local accounts over the real API: sign-up policies, the first admin, cookies, sign-out, and the 401 for anyone else.</summary>
public sealed class SignUpAndSignInTests : HostedTest
{
    public override Task InitializeAsync() => InitializeAsync(LocalMode(signUp: "approval"));

    [Fact]
    public async Task TheFirstAccountIsAnActiveAdmin_TheNextWaitsForApproval_AndSignsInOnceApproved()
    {
        var first = await Host.Client.SignUpAsync("ada");
        Assert.Equal("admin", first.GetProperty("role").GetString());
        Assert.Equal("active", first.GetProperty("status").GetString());
        var me = await Host.Client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("ada", me.GetProperty("username").GetString());
        Assert.Equal("local", me.GetProperty("mode").GetString());

        using var second = Host.NewClient();
        var grace = await second.SignUpAsync("grace");
        Assert.Equal("user", grace.GetProperty("role").GetString());
        Assert.Equal("pending", grace.GetProperty("status").GetString());
        using (var waiting = await second.SignInAsync("grace"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, waiting.StatusCode);
            Assert.Equal("account_pending", await CodeOf(waiting));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/sessions")).StatusCode);

        var id = grace.GetProperty("id").GetString();
        (await Host.Client.PostAsync($"/api/admin/users/{id}/approve", null)).EnsureSuccessStatusCode();
        using var signedIn = await second.SignInAsync("grace");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/sessions")).StatusCode);
    }

    [Fact]
    public async Task TheCookie_IsHttpOnly_AndSameSiteStrict()
    {
        using var response = await Host.Client.PostAsJsonAsync("/api/auth/signup", new { username = "ada", password = Password });
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("smail_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BadSignUps_AreRefusedWithTheirCode_AndCreateNothing()
    {
        await Host.Client.SignUpAsync("ada");
        using var anonymous = Host.NewClient();
        async Task<(HttpStatusCode, string)> TryAsync(object body)
        {
            using var response = await anonymous.PostAsJsonAsync("/api/auth/signup", body);
            return (response.StatusCode, await CodeOf(response));
        }
        Assert.Equal((HttpStatusCode.Conflict, "username_taken"), await TryAsync(new { username = "ADA", password = Password }));
        Assert.Equal((HttpStatusCode.BadRequest, "weak_password"), await TryAsync(new { username = "bob", password = "short" }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_username"), await TryAsync(new { username = "<script>", password = Password }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_username"), await TryAsync(new { username = "", password = Password }));
        Assert.Equal((HttpStatusCode.BadRequest, "weak_password"), await TryAsync(new { username = "bob", password = new string('x', 5000) }));
        var users = await Host.Client.GetFromJsonAsync<JsonElement>("/api/admin/users");
        Assert.Equal(["ada"], users.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("username").GetString()));
    }

    [Fact]
    public async Task AWrongPassword_Is401_AndTheSameForAnUnknownName()
    {
        await Host.Client.SignUpAsync("ada");
        using var anonymous = Host.NewClient();
        using var wrong = await anonymous.SignInAsync("ada", "not the password");
        using var unknown = await anonymous.SignInAsync("nobody", "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("invalid_credentials", await CodeOf(wrong));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("invalid_credentials", await CodeOf(unknown));
    }

    [Fact]
    public async Task Anonymous_Gets401Unauthenticated_OnEveryApiRouteButSignInAndHealth()
    {
        using var anonymous = Host.NewClient();
        var open = new[] { "/api/auth/signup", "/api/auth/signin", "/api/auth/oidc", "/api/auth/options", "/api/health" };
        foreach (var route in Security.RouteWalker.All(Host.App.Services))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path())
            {
                Content = route.ChangesState ? JsonContent.Create(new { content = "hi" }) : null,
            };
            using var response = await anonymous.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (open.Contains(route.Template.TrimEnd('/')) || route.Template == "/dashboard")
            {
                Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route}: {(int)response.StatusCode}");
            Assert.Equal("unauthenticated", await CodeOf(response));
        }
    }

    [Fact]
    public async Task ChangingThePassword_KeepsThisBrowser_AndEndsEveryOtherSignInAndToken()
    {
        await Host.Client.SignUpAsync("ada");
        using var phone = Host.NewClient();
        (await phone.SignInAsync("ada")).EnsureSuccessStatusCode();
        using var created = await Host.Client.PostAsJsonAsync("/api/tokens", new { name = "script" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var script = Host.NewClient();
        script.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/sessions")).StatusCode);

        using var wrong = await Host.Client.PostAsJsonAsync("/api/auth/password", new { currentPassword = "not it at all", newPassword = "a brand new password" });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal("invalid_credentials", await CodeOf(wrong));
        using var weak = await Host.Client.PostAsJsonAsync("/api/auth/password", new { currentPassword = Password, newPassword = "short" });
        Assert.Equal("weak_password", await CodeOf(weak));

        using var changed = await Host.Client.PostAsJsonAsync("/api/auth/password", new { currentPassword = Password, newPassword = "a brand new password" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync("/api/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/sessions")).StatusCode);
        using var old = await Host.NewClient().SignInAsync("ada");
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using var @new = await Host.NewClient().SignInAsync("ada", "a brand new password");
        Assert.Equal(HttpStatusCode.OK, @new.StatusCode);
    }

    [Fact]
    public async Task Health_AnswersAnyone_WithTheStoresState_ButTellsItsFolderOnlyToTheSignedIn()
    {
        using var anonymous = Host.NewClient();
        var told = await anonymous.GetStringAsync("/api/health");
        Assert.Contains("\"status\"", told, StringComparison.Ordinal);
        Assert.DoesNotContain(Host.App.StorePath, told, StringComparison.Ordinal);
        // Which store and whether it works, as a load balancer needs; not where it is, nor what it set aside.
        var store = JsonDocument.Parse(told).RootElement.GetProperty("store");
        Assert.Equal(["ok", "provider", "writable"], store.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name).Order());
        Assert.Equal("json", store.GetProperty("provider").GetString());
        Assert.True(store.GetProperty("ok").GetBoolean());
        await Host.Client.SignUpAsync("ada");
        var signedIn = (await Host.Client.GetFromJsonAsync<JsonElement>("/api/health")).GetProperty("store");
        Assert.Equal(Host.App.StorePath, signedIn.GetProperty("path").GetString());
        Assert.Equal(JsonValueKind.Array, signedIn.GetProperty("quarantined").ValueKind);
    }

    [Fact]
    public async Task SigningOut_EndsThatSignIn_EvenForACopiedCookie_AndOnlyThatOne()
    {
        await Host.Client.SignUpAsync("ada");
        var jar = new CookieContainer();
        using var phone = new HttpClient(new HttpClientHandler { CookieContainer = jar }) { BaseAddress = Host.App.BaseAddress };
        (await phone.SignInAsync("ada")).EnsureSuccessStatusCode();
        var cookie = jar.GetCookieHeader(Host.App.BaseAddress);
        Assert.StartsWith("smail_session=", cookie, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await phone.PostAsync("/api/auth/signout", null)).StatusCode);

        using var replay = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = Host.App.BaseAddress };
        replay.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync("/api/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/sessions")).StatusCode);
        // The sign-in of the first browser is another one: it goes on.
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync("/api/sessions")).StatusCode);
    }
}
