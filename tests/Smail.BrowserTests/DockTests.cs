using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>A status line that wraps onto two lines does not hide the last answer's buttons.</summary>
[Collection(BrowserCollection.Second)]
public sealed class DockTests(BrowserFixture browser) : PageTest(browser)
{
    protected override BrowserNewContextOptions ContextOptions => new() { ViewportSize = new ViewportSize { Width = 700, Height = 600 } };

    [Fact]
    public async Task WhenTheStatusLineWraps_TheLastAnswersButtonsStayInView()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(string.Join("\n\n", Enumerable.Range(1, 12).Select(i => $"Paragraph {i} of a long answer."))));
        await OpenAsync();
        await AskAsync("Long answer please");
        await WaitForAnswerAsync();

        // The longest status the page shows: an error message of two lines.
        await Page.EvaluateAsync("() => { document.querySelector('#status').textContent = 'Smail cannot reach the model server at http://127.0.0.1:11434/. Start it with `ollama serve`, or set Ollama:BaseUrl to where it runs, then try again.'; }");
        var actions = LastAnswer().Locator(".message__actions");
        var conversation = (await Page.Locator("#conversation").BoundingBoxAsync())!;
        // Pointing at the answer where it is on screen: a locator's hover would scroll it into view first.
        await Page.Mouse.MoveAsync(conversation.X + 100, conversation.Y + conversation.Height - 60);
        await Assertions.Expect(actions).ToBeVisibleAsync();
        var box = (await actions.BoundingBoxAsync())!;
        Assert.True(box.Y + box.Height <= conversation.Y + conversation.Height + 0.5,
            $"the buttons end at {box.Y + box.Height:0}, below the conversation's bottom at {conversation.Y + conversation.Height:0}");
    }
}
