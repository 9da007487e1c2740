using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>
/// Formulas in answers are typeset by KaTeX, loaded only when an answer has one; while an answer streams, a formula
/// shows as its source until its closing delimiter arrives. Mermaid diagrams are drawn in a sandboxed frame once
/// their fence closes, with the source a click away. Hostile TeX and Mermaid stay inert and bounded.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class MathAndDiagramTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task AFormula_ShowsAsSourceUntilItCloses_ThenIsTypeset_InlineAndDisplayed()
    {
        var release = new TaskCompletionSource();
        var katexRequests = new List<string>();
        Page.Request += (_, request) =>
        {
            if (request.Url.Contains("/lib/katex/", StringComparison.Ordinal))
            {
                katexRequests.Add(request.Url);
            }
        };
        await OpenAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Plain text first."));
        await AskAsync("Hello");
        await WaitForAnswerAsync();
        Assert.Empty(katexRequests); // no formula yet: KaTeX is not loaded

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("The area is $\\pi ", "r^2", "$ and the sum is\n\n$$\n\\sum_{i=1}^n i = \\frac{n(n+1)}{2}\n", "$$\n\nDone.")
            .HoldAfter(2, release.Task));
        await AskAsync("Formulas, please");

        var body = LastAnswer().Locator(".message__body");
        await Assertions.Expect(body).ToContainTextAsync("The area is $\\pi r^2");
        Assert.Equal(0, await body.Locator(".katex").CountAsync());
        release.SetResult();
        await WaitForAnswerAsync();

        await Assertions.Expect(body.Locator(".math .katex")).ToHaveCountAsync(2);
        await Assertions.Expect(body.Locator(".math--display .katex-display")).ToHaveCountAsync(1);
        await Assertions.Expect(body).Not.ToContainTextAsync("$$");
        Assert.Contains(katexRequests, url => url.EndsWith("/lib/katex/katex.mjs", StringComparison.Ordinal));
        await ScreenshotAsync("math.png");
        Assert.Equal([], await AxeViolationsAsync(Page));

        // After a reload the stored answer is typeset too.
        await Page.ReloadAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body .math .katex")).ToHaveCountAsync(2);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task HostileTeX_StaysInert_AndBounded()
    {
        var dialogs = 0;
        Page.Dialog += async (_, dialog) =>
        {
            dialogs++;
            await dialog.DismissAsync();
        };
        await OpenAsync();
        var hugeFormula = "$" + string.Concat(Enumerable.Repeat("x^{2}+", 2000)) + "1$";
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(
            "Link: $\\href{javascript:alert(1)}{click me}$ and $\\url{javascript:alert(2)}$\n\n",
            "Bomb: $\\def\\a{\\a\\a}\\a$\n\n",
            "Huge: ", hugeFormula, "\n\n",
            "Tags: $<img src=x onerror=alert(3)>$ end."));

        await AskAsync("Try these");
        await WaitForAnswerAsync();

        var body = LastAnswer().Locator(".message__body");
        await Assertions.Expect(body).ToContainTextAsync("end.");
        Assert.Equal(0, await Page.Locator("a[href^='javascript:' i]").CountAsync());
        Assert.Equal(0, await body.Locator("img").CountAsync());
        // Typeset, or shown as KaTeX's error (the expansion bomb): either way no longer waiting, and no link.
        await Assertions.Expect(body.Locator(".math:not([data-math])")).ToHaveCountAsync(4);
        await Assertions.Expect(body.Locator(".math--error")).ToContainTextAsync("\\def\\a");
        Assert.Contains("Too many expansions", await body.Locator(".math--error").First.GetAttributeAsync("title"), StringComparison.Ordinal);
        await Assertions.Expect(body.Locator(".math[data-math]")).ToHaveCountAsync(1); // the huge one stays source
        Assert.Equal(0, await body.Locator("a").CountAsync());
        Assert.Equal(0, dialogs);
        AssertNoPageErrors();
    }

    private const string Diagram = "```mermaid\ngraph TD\n  A[Question] --> B{Model}\n  B --> C[Answer]\n```";

    [Fact]
    public async Task ADiagram_IsCodeUntilItsFenceCloses_ThenIsDrawnInASandboxedFrame_WithItsSourceAClickAway()
    {
        var release = new TaskCompletionSource();
        await OpenAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Here:\n\n```mermaid\ngraph TD\n", "  A[Question] --> B{Model}\n  B --> C[Answer]\n", "```\n\nThat is all.")
            .HoldAfter(2, release.Task));

        await AskAsync("Draw the flow");
        var body = LastAnswer().Locator(".message__body");
        await Assertions.Expect(body.Locator("code.language-mermaid")).ToContainTextAsync("A[Question] --> B{Model}");
        Assert.Equal(0, await body.Locator("iframe").CountAsync());
        release.SetResult();
        await WaitForAnswerAsync();

        var frame = body.Locator("iframe.diagram__frame");
        await Assertions.Expect(frame).ToHaveAttributeAsync("sandbox", "allow-scripts");
        await Assertions.Expect(body.Locator("figure.diagram.is-drawn")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(body.FrameLocator("iframe.diagram__frame").Locator("svg")).ToBeVisibleAsync();
        await Assertions.Expect(body.FrameLocator("iframe.diagram__frame").Locator("svg")).ToContainTextAsync("Answer");
        var source = body.Locator(".diagram__source");
        await Assertions.Expect(source.Locator("pre")).ToBeHiddenAsync();
        await source.Locator("summary").ClickAsync();
        await Assertions.Expect(source.Locator("pre")).ToHaveTextAsync("graph TD\n  A[Question] --> B{Model}\n  B --> C[Answer]");
        await ScreenshotAsync("diagram.png");
        Assert.Equal([], await AxeViolationsAsync(Page));
        AssertNoPageErrors();
    }

    [Fact]
    public async Task HostileMermaid_StaysInert()
    {
        var dialogs = 0;
        Page.Dialog += async (_, dialog) =>
        {
            dialogs++;
            await dialog.DismissAsync();
        };
        await OpenAsync();
        var start = Page.Url;
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(
            "```mermaid\ngraph TD\n  A[\"<img src=x onerror=alert(1)>\"] --> B\n  click A callback \"alert(2)\"\n  click B \"javascript:alert(3)\"\n```\n\nEnd."));

        await AskAsync("Draw something odd");
        await WaitForAnswerAsync();

        var body = LastAnswer().Locator(".message__body");
        await Assertions.Expect(body.Locator("figure.diagram.is-drawn")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        var drawing = body.FrameLocator("iframe.diagram__frame");
        await Assertions.Expect(drawing.Locator("svg")).ToBeVisibleAsync();
        Assert.Equal(0, await drawing.Locator("[onerror], [onclick], a[href^='javascript:' i]").CountAsync());
        foreach (var node in await drawing.Locator("g.node").AllAsync())
        {
            await node.ClickAsync(new() { Force = true });
        }
        Assert.Equal(0, dialogs);
        Assert.Equal(start, Page.Url);
        Assert.Equal("allow-scripts", await body.Locator("iframe.diagram__frame").GetAttributeAsync("sandbox"));
        // While measuring the label, Mermaid puts the img into the frame's document for a moment: the frame's policy
        // refuses its handler (the browser reports that), and it is gone from the drawing.
        AssertNoPageErrorsBut(e => e.Contains("script-src-attr", StringComparison.Ordinal) || e.StartsWith("Executing inline event handler violates", StringComparison.Ordinal));
    }
}
