using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>The page and the dashboard run under a strict Content-Security-Policy, and normal use never trips it.</summary>
[Collection(BrowserCollection.Second)]
public sealed class ContentSecurityPolicyTests(BrowserFixture browser) : PageTest(browser)
{
    private const string CollectViolations =
        "window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));";

    [Fact]
    public async Task NormalUse_OfThePageAndTheDashboard_RaisesNoViolation_AndAnInjectedScriptDoesNotRun()
    {
        await Context.AddInitScriptAsync(CollectViolations);
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Code:\n\n```js\nconst x = 1;\n```\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n![pixel](https://images.invalid/p.png)", elementsPerChunk: 5));
        await OpenAsync();
        await AskAsync("Show me things");
        await WaitForAnswerAsync();
        await LastAnswer().Locator("img[data-blocked]").ClickAsync();
        await Page.Keyboard.PressAsync("?");
        await Page.Keyboard.PressAsync("Escape");
        await Page.ClickAsync("#open-settings");
        await Page.Keyboard.PressAsync("Escape");
        Assert.Empty(await Page.EvaluateAsync<string[]>("() => window.__violations"));

        // The policy is in force: a script element added to the page does not run.
        await Page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s); }");
        // The browser reports the refusal in a task of its own: wait for it, not for a time.
        await Page.WaitForFunctionAsync("() => window.__violations.some((v) => v.startsWith('script-src'))");
        Assert.Null(await Page.EvaluateAsync<int?>("() => window.__ran ?? null"));
        Assert.Contains(await Page.EvaluateAsync<string[]>("() => window.__violations"), v => v.StartsWith("script-src", StringComparison.Ordinal));

        var dashboard = await Context.NewPageAsync();
        await dashboard.GotoAsync("/dashboard");
        await Assertions.Expect(dashboard.Locator("canvas").First).ToBeVisibleAsync();
        Assert.Empty(await dashboard.EvaluateAsync<string[]>("() => window.__violations"));
    }
}
