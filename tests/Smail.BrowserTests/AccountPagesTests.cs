using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.BrowserTests;

/// <summary>
/// Accounts in Chromium, as people meet them with Auth:Mode=local and sign-up by approval: the first person
/// becomes the admin, the second waits and is approved, nobody reaches another's conversation, disabling
/// someone cuts their live answer, another site cannot use a signed-in browser, and every page passes axe with
/// no CSP violation.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class AccountPagesTests(BrowserFixture browser) : PageTest(browser)
{
    protected override IDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["Auth:Mode"] = "local",
        ["Auth:SignUp"] = "approval",
        ["Changes:HealthInterval"] = "00:00:00.250",
    };

    private static async Task SignUpAsync(IPage page, string name, string password = "correct horse battery")
    {
        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\.html"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await page.GetByLabel("User name").FillAsync(name);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
    }

    private static async Task SignInAsync(IPage page, string name, string password = "correct horse battery")
    {
        await page.GetByLabel("User name").FillAsync(name);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>The admin (ada, this test's page) and grace (approved, signed in, in a second browser).</summary>
    private async Task<IPage> AdminAndApprovedUserAsync()
    {
        await SignUpAsync(Page, "ada");
        await Assertions.Expect(Page.Locator("#account-button")).ToHaveTextAsync("ada");
        var grace = await NewBrowserPageAsync();
        await SignUpAsync(grace, "grace");
        await Assertions.Expect(grace.Locator("#signin-notice")).ToContainTextAsync("waiting for an admin");
        await Page.GotoAsync("/admin.html");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Approve grace" }).ClickAsync();
        await Assertions.Expect(Page.Locator("tr[data-user-id]", new() { HasText = "grace" }).Locator(".badge")).ToHaveTextAsync("active");
        await SignInAsync(grace, "grace");
        await Assertions.Expect(grace).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/$"));
        await Assertions.Expect(grace.Locator("#account-button")).ToHaveTextAsync("grace");
        return grace;
    }

    [Fact]
    public async Task TheFirstUserSignsUpAndIsAdmin_TheSecondWaits_IsApproved_AndSignsIn()
    {
        // Signed out, the dashboard sends you to sign in too.
        await Page.GotoAsync("/dashboard");
        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\.html"));
        await Page.GotoAsync("/");
        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\.html"));
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await ScreenshotAsync("signin.png");

        await SignUpAsync(Page, "ada");
        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/$"));
        await Page.ClickAsync("#account-button");
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Admin: users and audit" })).ToBeVisibleAsync();
        await ScreenshotAsync("account-menu.png");
        await Page.Keyboard.PressAsync("Escape");

        var grace = await NewBrowserPageAsync();
        await SignUpAsync(grace, "grace");
        await Assertions.Expect(grace.Locator("#signin-notice")).ToContainTextAsync("waiting for an admin’s approval");
        await SignInAsync(grace, "grace");
        await Assertions.Expect(grace.Locator("#signin-error")).ToContainTextAsync("waiting for an admin");

        await Page.GotoAsync("/admin.html");
        await Assertions.Expect(Page.Locator("tr[data-user-id]", new() { HasText = "grace" }).Locator(".badge")).ToHaveTextAsync("pending");
        await ScreenshotAsync("admin.png");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Approve grace" }).ClickAsync();
        await Assertions.Expect(Page.Locator("tr[data-user-id]", new() { HasText = "grace" }).Locator(".badge")).ToHaveTextAsync("active");

        await SignInAsync(grace, "grace");
        await Assertions.Expect(grace).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/$"));
        await grace.ClickAsync("#account-button");
        await Assertions.Expect(grace.GetByRole(AriaRole.Link, new() { Name = "Admin: users and audit" })).ToBeHiddenAsync();
        // Grace's early sign-in was refused on purpose (403 account_pending); nothing else went wrong.
        AssertNoPageErrorsBesidesRefusedRequests();
    }

    [Fact]
    public async Task ASecondUsersId_Gives404_AndTheirListIsTheirOwn()
    {
        var grace = await AdminAndApprovedUserAsync();
        await OpenAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Ada's secret answer"));
        await AskAsync("Ada's question");
        await WaitForAnswerAsync();
        var adas = await Page.EvaluateAsync<string>("async () => (await (await fetch('/api/sessions')).json()).sessions[0].id");

        var status = await grace.EvaluateAsync<int>("async (id) => (await fetch(`/api/sessions/${id}`)).status", adas);
        Assert.Equal(404, status);
        await Assertions.Expect(grace.Locator("#session-list")).Not.ToContainTextAsync("Ada's question");
        await Assertions.Expect(Page.Locator("#session-list")).ToContainTextAsync("Ada's question");
        AssertNoPageErrorsBesidesRefusedRequests();
    }

    [Fact]
    public async Task DisablingAUser_CutsTheirLiveAnswer_AndSendsThemToSignIn()
    {
        var grace = await AdminAndApprovedUserAsync();
        await OpenAsync(grace);
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 3000).Select(i => $" w{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        await AskAsync("Tell me a very long story", grace);
        await Assertions.Expect(LastAnswer(grace)).ToContainTextAsync("w20");

        await Page.GotoAsync("/admin.html");
        var clock = Stopwatch.StartNew();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Disable grace" }).ClickAsync();
        await Assertions.Expect(grace).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\.html\\?status=signedout"), new() { Timeout = 10_000 });
        await Assertions.Expect(grace.Locator("#signin-notice")).ToContainTextAsync("signed out");
        // The text stopped arriving when the server cut the stream; the page went to sign in soon after.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        await SignInAsync(grace, "grace");
        await Assertions.Expect(grace.Locator("#signin-error")).ToContainTextAsync("disabled");
    }

    [Fact]
    public async Task APageFromAnotherOrigin_CannotUseTheSignedInBrowser()
    {
        await SignUpAsync(Page, "ada");
        await Assertions.Expect(Page.Locator("#account-button")).ToHaveTextAsync("ada");
        var attacker = await Context.NewPageAsync();
        await attacker.GotoAsync(new Uri(Host.Emulator.BaseAddress, "/api/version").ToString());
        var outcome = await attacker.EvaluateAsync<JsonElement>(
            """
            async (smail) => {
              const post = await fetch(`${smail}/api/sessions`, { method: 'POST', credentials: 'include', mode: 'no-cors',
                headers: { 'Content-Type': 'text/plain' }, body: '{"title":"planted"}' }).then(() => 'sent', () => 'blocked');
              const read = await fetch(`${smail}/api/sessions`, { credentials: 'include' }).then((r) => r.text(), () => 'blocked');
              const token = await fetch(`${smail}/api/tokens`, { method: 'POST', credentials: 'include',
                headers: { 'Content-Type': 'application/json' }, body: '{"name":"stolen"}' }).then((r) => r.text(), () => 'blocked');
              return { post, read, token };
            }
            """, Host.App.BaseAddress.ToString().TrimEnd('/'));
        Assert.Equal("blocked", outcome.GetProperty("read").GetString());
        Assert.Equal("blocked", outcome.GetProperty("token").GetString());
        var mine = await Page.EvaluateAsync<JsonElement>("async () => ({ sessions: (await (await fetch('/api/sessions')).json()).sessions.length, tokens: (await (await fetch('/api/tokens')).json()).tokens.length })");
        Assert.Equal(0, mine.GetProperty("sessions").GetInt32());
        Assert.Equal(0, mine.GetProperty("tokens").GetInt32());
    }

    [Fact]
    public async Task TheAccountPages_PassAxe_InBothThemes_AndOnAPhone_AndTheTokenIsShownOnce()
    {
        await SignUpAsync(Page, "ada");
        await Assertions.Expect(Page.Locator("#account-button")).ToHaveTextAsync("ada");
        await Page.GotoAsync("/account.html");
        await Page.GetByLabel("Name of the new token").FillAsync("laptop script");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#token-created")).ToBeVisibleAsync();
        var secret = await Page.Locator("#token-secret").InputValueAsync();
        Assert.StartsWith("smail_", secret, StringComparison.Ordinal);
        await Assertions.Expect(Page.Locator("#token-list")).ToContainTextAsync("laptop script");
        await ScreenshotAsync("tokens.png");
        await Page.ReloadAsync();
        await Assertions.Expect(Page.Locator("#token-list")).ToContainTextAsync("laptop script");
        Assert.DoesNotContain(secret, await Page.ContentAsync(), StringComparison.Ordinal);

        var violations = new List<string>();
        foreach (var (theme, phone) in new[] { (ColorScheme.Light, false), (ColorScheme.Dark, false), (ColorScheme.Light, true) })
        {
            await Page.EmulateMediaAsync(new() { ColorScheme = theme });
            await Page.SetViewportSizeAsync(phone ? 390 : 1100, phone ? 780 : 760);
            foreach (var path in new[] { "/account.html", "/admin.html", "/" })
            {
                await Page.GotoAsync(path);
                await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                violations.AddRange((await AxeViolationsAsync(Page)).Select(v => $"{theme} {(phone ? "phone" : "desktop")} {path}: {v}"));
                if (phone && path == "/admin.html")
                {
                    await ScreenshotAsync("admin-phone.png");
                }
            }
            await Page.ClickAsync("#account-button");
            violations.AddRange((await AxeViolationsAsync(Page)).Select(v => $"{theme} {(phone ? "phone" : "desktop")} account menu: {v}"));
            if (phone)
            {
                await ScreenshotAsync("account-menu-phone.png");
            }
        }
        var signedOut = await NewBrowserPageAsync();
        await signedOut.GotoAsync("/signin.html");
        violations.AddRange(await AxeViolationsAsync(signedOut));
        await signedOut.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        violations.AddRange(await AxeViolationsAsync(signedOut));
        Assert.Empty(violations);
        AssertNoPageErrors();
    }
}
