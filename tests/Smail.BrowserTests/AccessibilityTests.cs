using System.Text.Json;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.BrowserTests;

/// <summary>
/// axe-core (from npm) over every state of the page a person meets, in both themes, on a desktop and on a
/// phone (light; the phone layout's colours are the desktop's): the empty page, streaming, thinking, a
/// finished conversation, an error, a toast, the settings dialog and the dashboard. Zero violations.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class AccessibilityTests(BrowserFixture browser) : PageTest(browser)
{
    private const string Rich =
        "A **rich** answer with `code`, a [link](https://example.com) and a quote:\n\n> Quoted wisdom.\n\n" +
        "1. One\n2. Two\n\n```python\nprint('hi')\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n";

    [Theory]
    [InlineData("light", false)]
    [InlineData("dark", false)]
    [InlineData("light", true)]
    public async Task EveryStateOfThePage_HasNoAxeViolations(string theme, bool phone)
    {
        await using var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.App.BaseAddress.ToString(),
            ColorScheme = theme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 780 } : new ViewportSize { Width = 1100, Height = 760 },
            IsMobile = phone,
            HasTouch = phone,
        });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        async Task CheckAsync(string state) => violations.AddRange((await AxeViolationsAsync(page)).Select(v => $"{state}: {v}"));

        await OpenAsync(page);
        await CheckAsync("empty page");

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(Rich, elementsPerChunk: 2).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(30)));
        await AskAsync("Show me everything", page);
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Generating");
        await CheckAsync("streaming");
        await WaitForAnswerAsync(page: page);
        await CheckAsync("conversation");

        await page.SelectOptionAsync("#model", "qwen3:8b");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Fine.").WithThinking([.. Enumerable.Range(0, 60).Select(i => $"hmm{i} ")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(30)));
        await AskAsync("Think first", page);
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Thinking");
        await CheckAsync("thinking");
        await WaitForAnswerAsync(page: page);

        await page.SelectOptionAsync("#model", "llama3.2:latest");
        Host.Emulator.Scripts.Enqueue(ChatScript.Status(404, "model 'llama3.2' not found"));
        await AskAsync("Fail please", page);
        await Assertions.Expect(page.Locator(".message__error")).ToBeVisibleAsync();
        await CheckAsync("error");

        await page.ClickAsync("#open-settings");
        await Assertions.Expect(page.Locator("#settings-dialog")).ToBeVisibleAsync();
        await CheckAsync("settings");
        await page.Keyboard.PressAsync("Escape");

        if (phone)
        {
            await page.ClickAsync("#toggle-sidebar");
        }
        await page.ClickAsync("#new-chat");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Short."));
        await AskAsync("Something to delete", page);
        await WaitForAnswerAsync(page: page);
        if (phone)
        {
            await page.ClickAsync("#toggle-sidebar");
        }
        var item = page.Locator("#session-list .session-list__item:visible").First;
        await item.HoverAsync();
        await item.Locator("[data-action='menu']").ClickAsync(new() { Force = true });
        await Assertions.Expect(page.GetByRole(AriaRole.Menu)).ToBeVisibleAsync();
        await CheckAsync("conversation menu");
        await page.GetByRole(AriaRole.Menu).GetByRole(AriaRole.Menuitem, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.Locator("#toast")).ToBeVisibleAsync();
        await CheckAsync("toast");

        await page.GotoAsync("/dashboard.html");
        await Assertions.Expect(page.Locator("canvas").First).ToBeVisibleAsync();
        await CheckAsync("dashboard");

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
