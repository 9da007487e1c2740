using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.BrowserTests;

/// <summary>Asking and watching the answer: streaming, status, stop, errors, hostile output.</summary>
public sealed class ChatPageTests(BrowserFixture browser) : PageTest(browser)
{
    private const string Answer =
        "Here is a **bold** plan:\n\n1. Boil water\n2. Add tea\n\n```python\nprint(\"steep 3 min\")\n```\n\n" +
        "| step | minutes |\n| --- | --- |\n| boil | 4 |\n| steep | 3 |\n\nEnjoy! 🍵";

    [Fact]
    public async Task APrompt_StreamsIntoARenderedAnswer_WithHonestStatusAlongTheWay()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(Answer, elementsPerChunk: 4)
            .WithDelays(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(40)));
        await OpenAsync();

        await AskAsync("How do I make tea?");

        var status = Page.Locator("#status");
        await Assertions.Expect(status).ToHaveTextAsync("Loading model…");
        await Assertions.Expect(LastAnswer()).ToHaveAttributeAsync("data-status", "streaming");
        await Assertions.Expect(status).ToContainTextAsync("Generating");
        await Assertions.Expect(Page.Locator("#send")).ToHaveTextAsync("Stop");
        await ScreenshotAsync("streaming.png");

        await WaitForAnswerAsync();
        await Assertions.Expect(status).ToContainTextAsync("Done");
        await Assertions.Expect(Page.Locator(".message--user .message__body")).ToHaveTextAsync("How do I make tea?");
        var answer = LastAnswer();
        await Assertions.Expect(answer.Locator("strong")).ToHaveTextAsync("bold");
        await Assertions.Expect(answer.Locator("ol li")).ToHaveCountAsync(2);
        await Assertions.Expect(answer.Locator("pre code")).ToHaveTextAsync("print(\"steep 3 min\")\n");
        await Assertions.Expect(answer.Locator("pre code .hljs-built_in")).ToHaveCountAsync(1);
        await Assertions.Expect(answer.Locator(".code-header")).ToContainTextAsync("python");
        await Assertions.Expect(answer.Locator("table td")).ToHaveCountAsync(4);
        await Assertions.Expect(answer.Locator(".message__body")).ToContainTextAsync("Enjoy! 🍵");
        await Assertions.Expect(Page.Locator("#prompt")).ToHaveValueAsync("");
        await Assertions.Expect(Page.Locator("#conversation-title")).ToHaveTextAsync("How do I make tea?");
        await Assertions.Expect(Page.Locator("#send")).ToHaveTextAsync("Send");
        await ScreenshotAsync("answer.png");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AThinkingModel_ShowsThinking_ThenACollapsibleReasoningBlock()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("The answer is **42**.")
            .WithThinking([.. "The user asks about life. Douglas Adams wrote that the answer is forty-two, so I will say so.".Split(' ').Select(w => w + " ")])
            .WithDelays(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(120)));
        await Page.GotoAsync("/");
        await Assertions.Expect(Page.Locator("#model option[value='qwen3:8b']")).ToHaveCountAsync(1);
        await Page.SelectOptionAsync("#model", "qwen3:8b");

        await AskAsync("What is the meaning of life?");

        await Assertions.Expect(Page.Locator("#status")).ToContainTextAsync("Thinking…");
        await Assertions.Expect(LastAnswer().Locator(".message__thinking")).ToBeVisibleAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__thinking-body")).ToContainTextAsync("Douglas");
        await ScreenshotAsync("thinking.png");
        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__thinking-body")).ToContainTextAsync("Douglas Adams");
        await Assertions.Expect(LastAnswer().Locator(".message__body strong")).ToHaveTextAsync("42");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TheStopButton_StopsTheModel_AndKeepsThePartialAnswer()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 400).Select(i => $" word{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        await OpenAsync();
        await AskAsync("Talk forever");
        await Assertions.Expect(Page.Locator("#status")).ToContainTextAsync("Generating");

        await Page.ClickAsync("#send");

        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Stopped");
        await Assertions.Expect(LastAnswer()).ToHaveAttributeAsync("data-status", "stopped");
        await Host.Emulator.Requests.Chats[0].WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.False(Host.Emulator.Requests.Chats[0].Completed);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Escape_StopsTheAnswer()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 400).Select(i => $" word{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        await OpenAsync();
        await AskAsync("Talk forever");
        await Assertions.Expect(Page.Locator("#status")).ToContainTextAsync("Generating");

        await Page.Keyboard.PressAsync("Escape");

        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Stopped");
    }

    [Fact]
    public async Task AMissingModel_ShowsTheErrorWithHowToFixIt_AndARetry()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Status(404, "model 'llama3.2' not found"), ChatScript.Answer("Now it works."));
        await OpenAsync();

        await AskAsync("Hello?");

        await Assertions.Expect(Page.Locator(".message__error")).ToContainTextAsync("ollama pull llama3.2");
        // One error, shown once, with Retry but no Continue: there is no text to continue.
        await Assertions.Expect(Page.Locator("#conversation").GetByText("is not installed")).ToHaveCountAsync(1);
        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("The answer failed: see above.");
        await Assertions.Expect(LastAnswer().GetByRole(AriaRole.Button, new() { Name = "Continue answer" })).ToBeHiddenAsync();
        await Assertions.Expect(LastAnswer().GetByRole(AriaRole.Button, new() { Name = "Retry answer" })).ToBeVisibleAsync();
        await ScreenshotAsync("error.png");
        await LastAnswer().Locator("button[data-action='retry']").ClickAsync();
        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("Now it works.");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AConnectionResetMidAnswer_IsRecoveredIntoOneSeamlessAnswer()
    {
        var chunks = Enumerable.Range(0, 60).Select(i => $" part{i}").ToArray();
        Host.Emulator.Scripts.Enqueue(
            ChatScript.Answer(chunks).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)).ResetAfter(25),
            ChatScript.Answer(chunks[25..]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        await OpenAsync();

        await AskAsync("Go");

        await WaitForAnswerAsync();
        Assert.Equal(string.Concat(chunks).Trim(), (await LastAnswer().Locator(".message__body").InnerTextAsync()).Trim());
        Assert.Equal(2, Host.Emulator.Requests.Chats.Count);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task HostileMarkdownFromTheModel_StaysInert()
    {
        const string Hostile = "<img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=2</script> " +
            "[click](javascript:window.__pwned=3) ![tracker](http://tracker.invalid/pixel.png) <iframe src=\"javascript:window.__pwned=4\"></iframe>" +
            "<div style=\"position:fixed;inset:0;z-index:9999;background:red\">Your session expired</div><style>body{display:none}</style>";
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(Hostile, elementsPerChunk: 7));
        await OpenAsync();

        await AskAsync("Be evil");
        await WaitForAnswerAsync();
        await LastAnswer().Locator("a").ClickAsync();

        Assert.Null(await Page.EvaluateAsync<int?>("window.__pwned ?? null"));
        var body = LastAnswer().Locator(".message__body");
        await Assertions.Expect(body.Locator("script, iframe, [onerror], [style], style")).ToHaveCountAsync(0);
        await Assertions.Expect(Page.Locator("body")).ToBeVisibleAsync();
        Assert.DoesNotContain("javascript:", await body.InnerHTMLAsync(), StringComparison.OrdinalIgnoreCase);
        // Every image in model output waits for a click; none has an address the browser would load.
        await Assertions.Expect(body.Locator("img[src]")).ToHaveCountAsync(0);
        await Assertions.Expect(body.Locator("img[data-blocked='remote-image'][data-src='http://tracker.invalid/pixel.png']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task WithOllamaDown_ABannerSaysSoAndHowToFixIt()
    {
        await using var host = await TestHost.StartAsync(upstream: OllamaClientFactory.RefusingAddress());
        var page = await NewPageAsync();

        await page.GotoAsync(host.App.BaseAddress.ToString());

        var banner = page.Locator("#upstream-banner");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await Assertions.Expect(banner).ToContainTextAsync("ollama serve");
        await Assertions.Expect(banner.Locator("button")).ToHaveTextAsync("Retry");
        await ScreenshotAsync("upstream-down.png", page);
    }
}
