using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>The live dashboard, after real chats: charts drawn from the server's own measurements.</summary>
[Collection(BrowserCollection.Second)]
public sealed class DashboardTests(BrowserFixture browser) : PageTest(browser)
{
    protected override BrowserNewContextOptions ContextOptions => new() { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } };

    [Fact]
    public async Task AfterSomeChats_TheDashboardShowsChartsAndTotals()
    {
        Host.Emulator.Scripts.Enqueue(
            ChatScript.Answer([.. Enumerable.Range(0, 30).Select(i => $" a{i}")]).WithDelays(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(15)),
            ChatScript.Status(503, "server busy, please try again.  maximum pending requests exceeded"),
            ChatScript.Answer([.. Enumerable.Range(0, 30).Select(i => $" b{i}")]).WithDelays(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10)),
            ChatScript.Status(404, "model 'llama3.2' not found"));
        await OpenAsync();
        await AskAsync("First");
        await WaitForAnswerAsync();
        await AskAsync("Second");
        await WaitForAnswerAsync();
        await AskAsync("Third");
        await WaitForAnswerAsync("error");

        await Page.GotoAsync("/dashboard");

        await Assertions.Expect(Page.Locator("#updated")).ToContainTextAsync("Updated");
        await Assertions.Expect(Page.Locator(".chart canvas")).ToHaveCountAsync(4);
        var totals = Page.Locator("#totals");
        await Assertions.Expect(totals.Locator(".total", new() { HasText = "Messages sent" }).Locator("b")).ToHaveTextAsync("3");
        await Assertions.Expect(totals.Locator(".total", new() { HasText = "Answers" }).Locator("b")).ToHaveTextAsync("3");
        await Assertions.Expect(totals.Locator(".total", new() { HasText = "Retries" }).Locator("b")).ToHaveTextAsync("1");
        await Assertions.Expect(totals.Locator(".total", new() { HasText = "Error rate" }).Locator("b")).ToHaveTextAsync("33.3 %");
        // Each model server: its state now, and its own answers, errors and retries.
        var ollama = Page.GetByRole(AriaRole.Row, new() { Name = "ollama" });
        await Assertions.Expect(ollama.GetByRole(AriaRole.Cell)).ToHaveTextAsync(
            [new Regex("^ollama$"), new Regex("^Up · \\d"), new Regex("^3$"), new Regex("^1$"), new Regex("^1$")]);
        // The time-to-first-chunk chart has points: uPlot's legend shows the latest non-empty values on hover.
        var drawn = await Page.EvaluateAsync<int>("""
            () => [...document.querySelectorAll('.chart canvas')].filter(c => {
              const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
              return false;
            }).length
            """);
        Assert.Equal(4, drawn);
        await ScreenshotAsync("dashboard.png");
        AssertNoPageErrors();
    }
}
