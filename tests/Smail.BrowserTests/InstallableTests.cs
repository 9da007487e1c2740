using System.Text.Json;
using Microsoft.Playwright;

namespace Smail.BrowserTests;

/// <summary>
/// The page installs as an app (a manifest with icons, a service worker) and opens offline from the service worker's
/// copy of its shell, saying it is offline; API answers are never kept. Back online, it picks up by itself.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class InstallableTests(BrowserFixture browser) : PageTest(browser)
{
    protected override ServiceWorkerPolicy ServiceWorkers => ServiceWorkerPolicy.Allow;

    [Fact]
    public async Task TheManifestAndIcons_MakeThePageInstallable()
    {
        await OpenAsync();

        var manifest = await Page.APIRequest.GetAsync("/manifest.webmanifest");
        Assert.Equal("application/manifest+json", manifest.Headers["content-type"]);
        var json = JsonDocument.Parse(await manifest.TextAsync()).RootElement;
        Assert.Equal("Smail", json.GetProperty("name").GetString());
        Assert.Equal("standalone", json.GetProperty("display").GetString());
        Assert.Equal("/", json.GetProperty("start_url").GetString());
        foreach (var icon in json.GetProperty("icons").EnumerateArray())
        {
            var file = await Page.APIRequest.GetAsync(icon.GetProperty("src").GetString()!);
            Assert.Equal(200, file.Status);
            Assert.Equal(icon.GetProperty("type").GetString(), file.Headers["content-type"]);
        }

        // Chromium's own verdict on installability. A test browser context is incognito, which is the one reason it may give.
        var cdp = await Context.NewCDPSessionAsync(Page);
        var verdict = await cdp.SendAsync("Page.getInstallabilityErrors");
        var errors = verdict!.Value.GetProperty("installabilityErrors").EnumerateArray().Select(e => e.GetProperty("errorId").GetString()).ToArray();
        Assert.All(errors, error => Assert.Equal("in-incognito", error));
        var manifestErrors = (await cdp.SendAsync("Page.getAppManifest"))!.Value.GetProperty("errors");
        Assert.Equal(0, manifestErrors.GetArrayLength());
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Offline_ThePageOpensFromItsCopy_SaysItIsOffline_AndKeptNoApiAnswer_ThenCatchesUpOnline()
    {
        await OpenAsync();
        // The service worker controls the page and holds what the page loaded; a reload online then comes through it.
        await Page.WaitForFunctionAsync("""
            async () => !!navigator.serviceWorker.controller
              && !!(await (await caches.open('smail-shell-v1')).match('/js/main.js'))
            """, null, new() { PollingInterval = 100 });
        Assert.True((await Page.ReloadAsync())!.FromServiceWorker);
        await Assertions.Expect(Page.Locator("#model option[value='llama3.2:latest']")).ToHaveCountAsync(1);

        await Context.SetOfflineAsync(true);
        var reload = await Page.ReloadAsync();

        Assert.True(reload!.FromServiceWorker);
        var banner = Page.Locator("#offline-banner");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await Assertions.Expect(banner).ToHaveTextAsync("You are offline. Answers keep being written on the server; this page catches up when the connection is back.");
        await Assertions.Expect(Page).ToHaveTitleAsync("Smail");
        var cached = await Page.EvaluateAsync<string[]>("async () => (await (await caches.open('smail-shell-v1')).keys()).map((r) => new URL(r.url).pathname)");
        Assert.Contains("/js/main.js", cached);
        Assert.DoesNotContain(cached, path => path.StartsWith("/api/", StringComparison.Ordinal));
        await ScreenshotAsync("offline.png");
        Assert.Equal([], await AxeViolationsAsync(Page));

        await Context.SetOfflineAsync(false);
        await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(Page.Locator("#model option[value='llama3.2:latest']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        // With the worker in charge of the page, an answer streams as it always does (the worker leaves /api alone).
        Assert.True(await Page.EvaluateAsync<bool>("() => !!navigator.serviceWorker.controller"));
        Host.Emulator.Scripts.Enqueue(OllamaEmulator.Scripting.ChatScript.Answer("Back ", "online."));
        await Page.SelectOptionAsync("#model", "llama3.2:latest");
        await AskAsync("Still there?");
        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("Back online.");
    }
}
