using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>With reduced motion, nothing animates and the answer appears a sentence at a time.</summary>
[Collection(BrowserCollection.Second)]
public sealed class ReducedMotionTests(BrowserFixture browser) : PageTest(browser)
{
    protected override BrowserNewContextOptions ContextOptions => new()
    {
        ViewportSize = new ViewportSize { Width = 1100, Height = 760 },
        ReducedMotion = ReducedMotion.Reduce,
    };

    [Fact]
    public async Task TheAnswerAppearsInWholeSentences_AndTheCaretDoesNotBlink()
    {
        var words = "One small sentence. Another one follows it! Does a third ask something? Last words end here."
            .Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToArray();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(60)));
        await OpenAsync();
        await Page.EvaluateAsync(
            """
            () => {
              window.__seen = [];
              new MutationObserver(() => {
                const body = document.querySelector('.message--assistant:last-of-type .message__body');
                if (body) window.__seen.push(body.textContent);
              }).observe(document.querySelector('#messages'), { subtree: true, childList: true, characterData: true });
            }
            """);

        await AskAsync("Four sentences");
        await Assertions.Expect(LastAnswer()).ToHaveAttributeAsync("data-status", "streaming");
        var caret = await Page.EvaluateAsync<string>(
            "() => { const body = [...document.querySelectorAll('.message--assistant .message__body')].at(-1); const el = body.lastElementChild ?? body; return getComputedStyle(el, '::after').animationName; }");
        Assert.Equal("none", caret);
        await WaitForAnswerAsync();

        var seen = (await Page.EvaluateAsync<string[]>("() => window.__seen")).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToList();
        Assert.Equal(string.Concat(words), seen[^1]);
        Assert.All(seen, text => Assert.Matches(@"[.!?]$", text));
        Assert.True(seen.Count >= 2, $"the answer appeared in one piece: {string.Join(" | ", seen)}");
        AssertNoPageErrors();
    }
}
