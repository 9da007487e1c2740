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
