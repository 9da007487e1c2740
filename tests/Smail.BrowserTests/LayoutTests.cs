using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>Dark theme from the system, and the phone layout.</summary>
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
}
