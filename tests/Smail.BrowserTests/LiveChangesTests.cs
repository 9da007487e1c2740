using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>
/// Every tab shows the same conversations live, through the server's change feed: new messages and
/// answers, titles, deletes, and the model server's outages, with no reload and no polling.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class LiveChangesTests(BrowserFixture browser) : PageTest(browser)
{
    private static ILocator Sessions(IPage page) => page.Locator("#session-list .session-list__item:visible");

    [Fact]
    public async Task ASecondTab_SeesNewMessages_CanStopTheAnswer_AndFollowsRenamesAndDeletes()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("First answer."));
        await OpenAsync();
        await AskAsync("First question");
        await WaitForAnswerAsync();
        var second = await NewPageAsync();
        await OpenAsync(second);
        await Assertions.Expect(second.Locator(".message--user")).ToHaveCountAsync(1);

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 400).Select(i => $" w{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        await AskAsync("Second question");

        // Sent in the first tab, shown and followed in the second, which can stop it.
        await Assertions.Expect(second.Locator(".message--user")).ToHaveCountAsync(2);
        await Assertions.Expect(second.Locator(".message--user").Last).ToContainTextAsync("Second question");
        await Assertions.Expect(LastAnswer(second)).ToHaveAttributeAsync("data-status", "streaming");
        await Assertions.Expect(second.Locator("#send")).ToHaveTextAsync("Stop");
        await second.ClickAsync("#send");
        await Assertions.Expect(LastAnswer(second)).ToHaveAttributeAsync("data-status", "stopped");
        await Assertions.Expect(LastAnswer()).ToHaveAttributeAsync("data-status", "stopped");
        var chats = Host.Emulator.Requests.Chats;
        var aborted = await Task.WhenAny(chats[^1].WhenDisconnected, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(aborted == chats[^1].WhenDisconnected, "the upstream request was not aborted: " + string.Join("; ", Host.Emulator.Requests.Chats.Select(
            (c, i) => $"chat {i}: disconnected {c.Disconnected}, completed {c.Completed}, {c.ChunkSentTimestamps.Count} chunks")));

        // Renamed in the first tab: the second's list and title follow. The first tab is brought to the front,
        // as a person's click would: Chromium throttles a tab behind another to a few frames a second, and
        // each pointer action waits for frames.
        await Page.BringToFrontAsync();
        await Sessions(Page).First.HoverAsync();
        await ChooseInMenuAsync(Sessions(Page).First, "Rename");
        await Page.Locator(".session-list__rename").FillAsync("Renamed elsewhere");
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Sessions(second).First).ToContainTextAsync("Renamed elsewhere");
        await Assertions.Expect(second.Locator("#conversation-title")).ToHaveTextAsync("Renamed elsewhere");

        // Deleted in the first tab: gone from the second, which moves to a new chat.
        await Sessions(Page).First.HoverAsync();
        await ChooseInMenuAsync(Sessions(Page).First, "Delete");
        await Assertions.Expect(Sessions(second)).ToHaveCountAsync(0);
        await Assertions.Expect(second.Locator(".message")).ToHaveCountAsync(0);
        await Assertions.Expect(second.Locator("#conversation-title")).ToHaveTextAsync("New chat");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TheModelServerGoingDown_ShowsTheBannerByItself_AndItClearsWhenItIsBack()
    {
        await OpenAsync();
        var banner = Page.Locator("#upstream-banner");
        await Assertions.Expect(banner).ToBeHiddenAsync();

        Host.Emulator.Down = true;
        await Assertions.Expect(banner).ToBeVisibleAsync();

        Host.Emulator.Down = false;
        await Assertions.Expect(banner).ToBeHiddenAsync();
        await Assertions.Expect(Page.Locator("#model")).ToBeEnabledAsync();
    }
}
