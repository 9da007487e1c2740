using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>The model's title for a new conversation appears in the sidebar word by word, then stays.</summary>
public sealed class TitlePageTests(BrowserFixture browser) : PageTest(browser)
{
    protected override IDictionary<string, string?> HostSettings => new Dictionary<string, string?>(base.HostSettings) { ["Titles:Enabled"] = "true" };

    [Fact]
    public async Task TheModelsTitle_IsWrittenIntoTheSidebar_AndTheHeader()
    {
        var release = new TaskCompletionSource();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Feed it twice ", "a day."), ChatScript.Answer("Sourdough ", "starter ", "rescue").HoldAfter(1, release.Task));
        await OpenAsync();

        await AskAsync("My sourdough starter smells like nail polish. Is it dead?");
        await WaitForAnswerAsync();

        var title = Page.Locator("#session-list .session-list__title").First;
        await Assertions.Expect(title).ToHaveTextAsync("Sourdough");
        await Assertions.Expect(title).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-writing"));
        await ScreenshotAsync("title-writing.png");
        release.SetResult();

        await Assertions.Expect(title).ToHaveTextAsync("Sourdough starter rescue");
        await Assertions.Expect(title).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-writing"));
        await Assertions.Expect(Page.Locator("#conversation-title")).ToHaveTextAsync("Sourdough starter rescue");
        await Page.ReloadAsync();
        await Assertions.Expect(Page.Locator("#session-list .session-list__title").First).ToHaveTextAsync("Sourdough starter rescue");
        AssertNoPageErrors();
    }
}
