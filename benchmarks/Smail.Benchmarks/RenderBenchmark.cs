using System.Text;
using Microsoft.Playwright;

namespace Smail.Benchmarks;

/// <summary>
/// Main-thread time per chunk when the page renders a long streamed markdown answer: the real
/// MessageView in Debian's headless Chromium, style and layout included. The cost must not grow with
/// the answer, so the last 1,000 tokens are compared with the first 1,000.
/// </summary>
internal static class RenderBenchmark
{
    public sealed record Result(double FirstMedian, double FirstP99, double LastMedian, double LastP99, int Tokens);

    public static async Task<Result> RunAsync(Uri smail, int tokens = 20_000)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 800 } });
        await page.GotoAsync(smail.ToString());
        var pieces = MarkdownAnswer(tokens);
        var times = await page.EvaluateAsync<double[]>("""
            async (pieces) => {
              const { MessageView } = await import('/js/views/message-view.js');
              const view = new MessageView('assistant', 'benchmark');
              view.setStatus('streaming');
              document.getElementById('messages').append(view.element);
              const times = [];
              for (const piece of pieces) {
                const start = performance.now();
                view.appendContent(piece);
                void view.element.offsetHeight; // style and layout are part of the cost
                times.push(performance.now() - start);
              }
              return times;
            }
            """, pieces);
        var first = times.Take(1000).Order().ToArray();
        var last = times.TakeLast(1000).Order().ToArray();
        return new Result(first[500], first[989], last[500], last[989], pieces.Length);
    }

    /// <summary>A long answer of prose, lists, tables and fenced code, cut into word-sized tokens.</summary>
    private static string[] MarkdownAnswer(int tokens)
    {
        var text = new StringBuilder();
        for (var section = 0; text.Length < tokens * 6; section++)
        {
            text.Append($"## Section {section}\n\nThis paragraph explains step {section} with `inline code`, **bold** words and a [link](https://example.com/{section}). ");
            text.Append("It goes on for a while so the block has some weight, as real answers do.\n\n");
            text.Append($"- first point of {section}\n- second point\n- third point with *emphasis*\n\n");
            text.Append("```python\n");
            for (var line = 0; line < 12; line++)
            {
                text.Append($"def step_{section}_{line}(value):\n    return value * {line} + {section}  # comment\n");
            }
            text.Append("```\n\n| name | value |\n| --- | --- |\n| alpha | 1 |\n| beta | 2 |\n\n");
        }
        var pieces = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length && pieces.Count < tokens; i++)
        {
            if (i == text.Length || (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1])))
            {
                pieces.Add(text.ToString(start, i - start));
                start = i;
            }
        }
        return [.. pieces];
    }
}
