using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>The message box while an answer streams: only Stop and Esc stop it.</summary>
public sealed class ComposerTests(BrowserFixture browser) : PageTest(browser)
{
    private static ChatScript SlowAnswer(int words) =>
        ChatScript.Answer([.. Enumerable.Range(0, words).Select(i => $" word{i}")]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25));

    [Fact]
    public async Task EnterWhileAnAnswerStreams_KeepsTheDraft_SaysSo_AndLetsTheAnswerFinish()
    {
        Host.Emulator.Scripts.Enqueue(SlowAnswer(60));
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Second answer."));
        await OpenAsync();
        await AskAsync("First question");
        await Assertions.Expect(Page.Locator("#status")).ToContainTextAsync("Generating");

        await Page.FillAsync("#prompt", "Next question");
        await Page.PressAsync("#prompt", "Enter");

        await Assertions.Expect(Page.Locator("#status")).ToContainTextAsync("your message is kept");
        await WaitForAnswerAsync("complete");
        Assert.True(Host.Emulator.Requests.Chats[0].Completed, "the first answer should have been written to its end");
        await Assertions.Expect(Page.Locator("#prompt")).ToHaveValueAsync("Next question");

        await Page.PressAsync("#prompt", "Enter");
        await Assertions.Expect(LastAnswer()).ToContainTextAsync("Second answer.");
        await Assertions.Expect(Page.Locator("#prompt")).ToHaveValueAsync("");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TheSecondClickOfADoubleClickOnSend_DoesNotStopTheAnswer()
    {
        Host.Emulator.Scripts.Enqueue(SlowAnswer(40));
        await OpenAsync();
        await Page.FillAsync("#prompt", "Question");
        var send = await Page.Locator("#send").BoundingBoxAsync();
        var (x, y) = (send!.X + send.Width / 2, send.Y + send.Height / 2);

        // A person double-clicks Send: the first click sends, the second (click count 2) lands on Stop.
        await Page.Mouse.ClickAsync(x, y);
        await Assertions.Expect(Page.Locator("#send")).ToHaveTextAsync("Stop");
        await Page.Mouse.DownAsync(new MouseDownOptions { ClickCount = 2 });
        await Page.Mouse.UpAsync(new MouseUpOptions { ClickCount = 2 });

        await WaitForAnswerAsync("complete");
        Assert.True(Host.Emulator.Requests.Chats[0].Completed);
        Assert.Single(Host.Emulator.Requests.Chats);
        AssertNoPageErrors();
    }
}
