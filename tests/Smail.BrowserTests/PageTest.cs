using Microsoft.Playwright;
using Smail.Tests.Infrastructure;

namespace Smail.BrowserTests;

/// <summary>
/// Base of every page test: Smail and the emulator on loopback ports, a fresh browser context (its own
/// storage), and every script error the page raises, so each test can say the page stayed clean.
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class PageTest(BrowserFixture browser) : IAsyncLifetime
{
    private readonly List<string> _pageErrors = [];
    private readonly List<IBrowserContext> _otherBrowsers = [];

    protected TestHost Host { get; private set; } = null!;
    protected IBrowserContext Context { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;
    protected BrowserFixture Browser => browser;

    protected virtual BrowserNewContextOptions ContextOptions => new() { ViewportSize = new ViewportSize { Width = 1100, Height = 760 } };

    /// <summary>
    /// Whether the page's service worker may run. Each test's browser is new, so the worker would install and copy the
    /// page's files in every test; the tests of the installable page (InstallableTests) allow it, the others load
    /// the page straight from Smail.
    /// </summary>
    protected virtual ServiceWorkerPolicy ServiceWorkers => ServiceWorkerPolicy.Block;

    /// <summary>Settings for this class's Smail; the model server's health is checked often, so outages show at once.</summary>
    protected virtual IDictionary<string, string?> HostSettings => new Dictionary<string, string?> { ["Changes:HealthInterval"] = "00:00:00.250" };

    public virtual async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync(HostSettings);
        var options = ContextOptions;
        options.BaseURL = Host.App.BaseAddress.ToString();
        options.ServiceWorkers ??= ServiceWorkers;
        Context = await browser.Browser.NewContextAsync(options);
        Page = await NewPageAsync();
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var other in _otherBrowsers)
        {
            await other.DisposeAsync();
        }
        await Context.DisposeAsync();
        await Host.DisposeAsync();
    }

    /// <summary>A page in a second browser context (its own cookies and storage): another person's browser.</summary>
    protected async Task<IPage> NewBrowserPageAsync()
    {
        var options = ContextOptions;
        options.BaseURL = Host.App.BaseAddress.ToString();
        options.ServiceWorkers ??= ServiceWorkers;
        var context = await browser.Browser.NewContextAsync(options);
        _otherBrowsers.Add(context);
        return await NewPageAsync(context);
    }

    protected async Task<IPage> NewPageAsync(IBrowserContext? context = null)
    {
        var page = await (context ?? Context).NewPageAsync();
        // Every browser test also checks that normal use never trips the Content-Security-Policy.
        await page.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));");
        page.PageError += (_, error) => _pageErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _pageErrors.Add(message.Text);
            }
        };
        return page;
    }

    protected async Task OpenAsync(IPage? page = null)
    {
        page ??= Page;
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("#model option[value='llama3.2:latest']")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#model", "llama3.2:latest");
    }

    /// <summary>
    /// Types and sends a prompt with the Send button (Enter only sends on a desktop: ComposerTests), and waits
    /// until the page shows it, so "the last answer" is the new one.
    /// </summary>
    protected async Task AskAsync(string prompt, IPage? page = null)
    {
        page ??= Page;
        var questions = page.Locator(".message--user");
        var before = await questions.CountAsync();
        await page.FillAsync("#prompt", prompt);
        await page.ClickAsync("#send");
        await Assertions.Expect(questions).ToHaveCountAsync(before + 1);
    }

    protected ILocator LastAnswer(IPage? page = null) => (page ?? Page).Locator(".message--assistant").Last;

    protected Task WaitForAnswerAsync(string status = "complete", IPage? page = null) =>
        Assertions.Expect(LastAnswer(page)).ToHaveAttributeAsync("data-status", status, new() { Timeout = 15_000 });

    /// <summary>Chooses Rename or Delete in a conversation's ⋯ menu, as a person does.</summary>
    protected static async Task ChooseInMenuAsync(ILocator item, string action)
    {
        await item.Locator("[data-action='menu']").ClickAsync();
        await item.Page.GetByRole(AriaRole.Menu).GetByRole(AriaRole.Menuitem, new() { Name = action }).ClickAsync();
    }

    protected void AssertNoPageErrors() => Assert.Empty(_pageErrors);

    /// <summary>No page errors but those the test expects (the page's policy refusing what a hostile input tried, say).</summary>
    protected void AssertNoPageErrorsBut(Func<string, bool> expected) => Assert.DoesNotContain(_pageErrors, e => !expected(e));

    /// <summary>No page errors but the browser's own lines about requests the test meant to be refused (a wrong password, say).</summary>
    protected void AssertNoPageErrorsBesidesRefusedRequests() =>
        Assert.DoesNotContain(_pageErrors, e => !e.StartsWith("Failed to load resource: the server responded with a status of 40", StringComparison.Ordinal));

    private static readonly Lazy<string> s_axeSource = new(() => File.ReadAllText(Path.Combine(SmailProcess.RepoRoot(), "node_modules", "axe-core", "axe.min.js")));

    /// <summary>axe-core's violations on the page as it is now, one line each.</summary>
    protected static async Task<IReadOnlyList<string>> AxeViolationsAsync(IPage page)
    {
        // Evaluated, not added as a script element: the page's CSP rightly refuses inline scripts.
        await page.EvaluateAsync(s_axeSource.Value);
        var found = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            """
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
              .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ') + ' ' + (n.any[0]?.message ?? '')).join('; ')}`)
            """);
        return [.. found.EnumerateArray().Select(v => v.GetString()!)];
    }

    protected Task ScreenshotAsync(string name, IPage? page = null) =>
        (page ?? Page).ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor(name) });
}
