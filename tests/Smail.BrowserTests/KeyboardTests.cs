using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>Everything from the keyboard: the conversation list is one Tab stop, and the shortcuts the ? panel lists work.</summary>
[Collection(BrowserCollection.Second)]
public sealed class KeyboardTests(BrowserFixture browser) : PageTest(browser)
{
    private static readonly string[] s_topics = ["Alpha", "Bravo", "Charlie"];

    private async Task ChatAsync(string prompt, string answer)
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(answer));
        await AskAsync(prompt);
        await WaitForAnswerAsync();
    }

    private Task<string> FocusedAsync() =>
        Page.EvaluateAsync<string>("() => (document.activeElement?.id || document.activeElement?.closest('[data-session-id]')?.querySelector('.session-list__title')?.textContent) ?? ''");

    [Fact]
    public async Task TheConversationList_IsOneTabStop_WithArrowKeysInside()
    {
        await OpenAsync();
        foreach (var topic in s_topics)
        {
            await Page.ClickAsync("#new-chat");
            await ChatAsync(topic, $"About {topic}.");
        }
        await Assertions.Expect(Page.Locator("#session-list .session-list__item")).ToHaveCountAsync(3);

        await Page.FocusAsync("#session-search");
        await Page.Keyboard.PressAsync("Tab");
        Assert.Equal("Charlie", await FocusedAsync());
        await Page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("Bravo", await FocusedAsync());
        await Page.Keyboard.PressAsync("End");
        Assert.Equal("Alpha", await FocusedAsync());
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Page.Locator("#conversation-title")).ToHaveTextAsync("Alpha");

        // → reaches the conversation's ⋯ button; its menu opens on Enter, ↑/↓ move in it, Escape goes back.
        await Page.Keyboard.PressAsync("ArrowRight");
        var more = Page.Locator("#session-list [data-action='menu'][aria-label='Actions for “Alpha”']");
        await Assertions.Expect(more).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");
        var menu = Page.GetByRole(AriaRole.Menu, new() { Name = "Actions for “Alpha”" });
        await Assertions.Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Rename" })).ToBeFocusedAsync();
        await Assertions.Expect(more).ToHaveAttributeAsync("aria-expanded", "true");
        await Page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Export as Markdown" })).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("End");
        await Assertions.Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Delete" })).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Rename" })).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(menu).ToBeHiddenAsync();
        await Assertions.Expect(more).ToBeFocusedAsync();
        await Assertions.Expect(more).ToHaveAttributeAsync("aria-expanded", "false");
        await Page.Keyboard.PressAsync("ArrowLeft");
        Assert.Equal("Alpha", await FocusedAsync());

        await Page.FocusAsync("#session-search");
        await Page.Keyboard.PressAsync("Tab");
        Assert.Equal("Alpha", await FocusedAsync());
        await Page.Keyboard.PressAsync("Tab");
        Assert.DoesNotContain(await FocusedAsync(), s_topics);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TheShortcuts_ThePanelLists_AllWork()
    {
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await OpenAsync();
        await ChatAsync("Question", "The **last** answer.");
        await Page.Locator("#conversation").FocusAsync();

        await Page.Keyboard.PressAsync("?");
        var panel = Page.Locator("#shortcuts-dialog");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await Assertions.Expect(panel.Locator("dt")).ToHaveCountAsync(6);
        await Assertions.Expect(panel).ToContainTextAsync("Copy the last answer");
        await ScreenshotAsync("shortcuts.png");
        await Page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(panel).ToBeHiddenAsync();

        await Page.Keyboard.PressAsync("Control+k");
        Assert.Equal("session-search", await FocusedAsync());
        await Page.Keyboard.PressAsync("Shift+Escape");
        Assert.Equal("prompt", await FocusedAsync());
        await Page.Keyboard.PressAsync("Control+Shift+C");
        // The clipboard is the browser's, shared with earlier tests: read it once the copy says it is done.
        await Assertions.Expect(Page.Locator(".message--assistant").Last.GetByRole(AriaRole.Button, new() { Name = "Copy answer" })).ToHaveTextAsync("Copied");
        Assert.Equal("The **last** answer.", await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Page.Keyboard.PressAsync("Control+Shift+O");
        await Assertions.Expect(Page.Locator(".message")).ToHaveCountAsync(0);
        await Assertions.Expect(Page.Locator("#conversation-title")).ToHaveTextAsync("New chat");
        AssertNoPageErrors();
    }
}
