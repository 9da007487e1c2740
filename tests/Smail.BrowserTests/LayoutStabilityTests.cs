using System.Text.Json;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>The page holds still while an answer streams: text grows at the end, nothing else jumps.</summary>
public sealed class LayoutStabilityTests(BrowserFixture browser) : PageTest(browser)
{
    private static readonly string s_answer = string.Join("\n\n", Enumerable.Range(1, 6).Select(i =>
        $"Paragraph {i} says a few things about the topic, at some length, so that it wraps onto more than one line here.")) +
        "\n\n```python\nfor i in range(3):\n    print(i)\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n> A closing quote.";

    [Fact]
    public async Task StreamingAnAnswer_ShiftsTheLayoutLessThanAGoodPagesBudget()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("First answer, to have something above."));
        await OpenAsync();
        await AskAsync("Warm up");
        await WaitForAnswerAsync();
        await Page.EvaluateAsync(
            """
            () => {
              window.__shifts = [];
              new PerformanceObserver((list) => {
                for (const e of list.getEntries()) {
                  if (!e.hadRecentInput) window.__shifts.push({ value: e.value, sources: e.sources.map((s) => s.node?.className ?? s.node?.nodeName ?? '?') });
                }
              }).observe({ type: 'layout-shift', buffered: false });
            }
            """);
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(s_answer, elementsPerChunk: 3).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(15)));

        await AskAsync("Tell me more");
        await WaitForAnswerAsync();

        var shifts = await Page.EvaluateAsync<JsonElement>("() => window.__shifts");
        var total = shifts.EnumerateArray().Sum(s => s.GetProperty("value").GetDouble());
        // 0.1 is the "good" threshold of Core Web Vitals for a whole page visit; one streamed answer gets a tenth of it.
        Assert.True(total < 0.01, $"cumulative layout shift {total:0.000}: {shifts}");
        AssertNoPageErrors();
    }
}

/// <summary>A status line that wraps onto two lines does not hide the last answer's buttons.</summary>
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
