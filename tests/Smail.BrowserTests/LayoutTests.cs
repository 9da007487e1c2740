using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>Dark theme from the system, and the phone layout.</summary>
[Collection(BrowserCollection.Second)]
public sealed class DarkThemeTests(BrowserFixture browser) : PageTest(browser)
{
    protected override BrowserNewContextOptions ContextOptions => new()
    {
        ViewportSize = new ViewportSize { Width = 1100, Height = 760 },
        ColorScheme = ColorScheme.Dark,
    };

    [Fact]
    public async Task TheDarkTheme_FollowsTheSystem()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Dark mode keeps `code` readable:\n\n```js\nconst night = true;\n```\n"));
        await OpenAsync();
        await AskAsync("Show me dark mode");
        await WaitForAnswerAsync();

        var background = await Page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(21, 22, 26)", background);
        await ScreenshotAsync("dark.png");
    }
}

[Collection(BrowserCollection.Second)]
public sealed class PhoneLayoutTests(BrowserFixture browser) : PageTest(browser)
{
    protected override BrowserNewContextOptions ContextOptions => new()
    {
        ViewportSize = new ViewportSize { Width = 390, Height = 780 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task OnAPhone_TheSidebarHidesBehindAMenuButton()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Small screens work too."));
        await OpenAsync();
        await AskAsync("Hello from my phone");
        await WaitForAnswerAsync();
        await Assertions.Expect(Page.Locator("#sidebar")).Not.ToBeInViewportAsync();
        await ScreenshotAsync("phone.png");

        await Page.ClickAsync("#toggle-sidebar");

        await Assertions.Expect(Page.Locator("#toggle-sidebar")).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(Page.Locator("#sidebar")).ToBeInViewportAsync();
        await Assertions.Expect(Page.Locator("#session-list")).ToContainTextAsync("Hello from my phone");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task OnATouchScreen_ReturnMakesANewLine_NothingHidesBehindHover_AndEveryTargetIs44Pixels()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Tap targets:\n\n```js\nlet big = 44;\n```"));
        await OpenAsync();

        await Page.FillAsync("#prompt", "Line one");
        await Page.PressAsync("#prompt", "Enter");
        await Page.Keyboard.TypeAsync("line two");
        await Assertions.Expect(Page.Locator("#prompt")).ToHaveValueAsync("Line one\nline two");
        await Assertions.Expect(Page.Locator(".message")).ToHaveCountAsync(0);
        await Page.ClickAsync("#send");
        await WaitForAnswerAsync();
        await Page.ClickAsync("#toggle-sidebar");
        // Measured once the sidebar has slid in: boxes read mid-slide come out a fraction of a pixel short.
        await Assertions.Expect(Page.Locator("#sidebar")).ToHaveCSSAsync("transform", "none");

        var targets = Page.Locator("#sidebar button:visible, .topbar button:visible, .message__action:visible, .code-copy:visible, #send");
        Assert.True(await targets.CountAsync() >= 8);
        foreach (var target in await targets.AllAsync())
        {
            var box = (await target.BoundingBoxAsync())!;
            var name = await target.GetAttributeAsync("aria-label") ?? await target.InnerTextAsync();
            Assert.True(box.Width >= 44 && box.Height >= 44, $"\"{name}\" is {box.Width:0}×{box.Height:0} px");
        }
        // Rename and delete are in each conversation's menu, which needs no hover, with targets as large.
        var item = Page.Locator("#session-list .session-list__item").First;
        var more = item.GetByRole(AriaRole.Button, new() { Name = "Actions for" });
        await Assertions.Expect(more).ToHaveCSSAsync("opacity", "1");
        await more.TapAsync();
        var menu = Page.GetByRole(AriaRole.Menu);
        await Assertions.Expect(menu.GetByRole(AriaRole.Menuitem)).ToHaveTextAsync(["Rename", "Export as Markdown", "Export as JSON (for Smail)", "Delete"]);
        foreach (var entry in await menu.GetByRole(AriaRole.Menuitem).AllAsync())
        {
            var box = (await entry.BoundingBoxAsync())!;
            Assert.True(box.Width >= 44 && box.Height >= 44, $"\"{await entry.InnerTextAsync()}\" is {box.Width:0}×{box.Height:0} px");
        }
        await ScreenshotAsync("phone-touch.png");
        await menu.GetByRole(AriaRole.Menuitem, new() { Name = "Rename" }).TapAsync();
        await Page.Locator(".session-list__rename").FillAsync("Renamed on the phone");
        await Page.Locator(".session-list__rename").PressAsync("Enter");
        await Assertions.Expect(item).ToContainTextAsync("Renamed on the phone");
        AssertNoPageErrors();
    }
}
