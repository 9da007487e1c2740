using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class ChatPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Answer =
        "Here is a **bold** plan:\n\n1. Boil water\n2. Add tea\n\n```python\nprint(\"steep 3 min\")\n```\n\nEnjoy! 🍵";

    private TestHost _host = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync();
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _host.App.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1100, Height = 760 },
        });
        _page = await _context.NewPageAsync();
        _page.PageError += (_, error) => _pageErrors.Add(error);
        _page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _pageErrors.Add(message.Text);
            }
        };
    }

    private readonly List<string> _pageErrors = [];

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _host.DisposeAsync();
    }

    private async Task OpenAsync()
    {
        await _page.GotoAsync("/");
        await Assertions.Expect(_page.Locator("#model option[value='llama3.2:latest']")).ToHaveCountAsync(1);
        await _page.SelectOptionAsync("#model", "llama3.2:latest");
    }

    [Fact]
    public async Task APrompt_StreamsIntoARenderedAnswer_WithHonestStatusAlongTheWay()
    {
        _host.Emulator.Scripts.Enqueue(ChatScript.Answer(Answer, elementsPerChunk: 4)
            .WithDelays(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(40)));
        await OpenAsync();

        await _page.FillAsync("#prompt", "How do I make tea?");
        await _page.PressAsync("#prompt", "Enter");

        var status = _page.Locator("#status");
        await Assertions.Expect(status).ToHaveTextAsync("Loading model…");
        var answer = _page.Locator(".message--assistant");
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "streaming");
        await Assertions.Expect(status).ToContainTextAsync("Generating");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor("streaming.png") });

        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });
        await Assertions.Expect(status).ToContainTextAsync("Done");
        await Assertions.Expect(_page.Locator(".message--user .message__body")).ToHaveTextAsync("How do I make tea?");
        await Assertions.Expect(answer.Locator("strong")).ToHaveTextAsync("bold");
        await Assertions.Expect(answer.Locator("ol li")).ToHaveCountAsync(2);
        await Assertions.Expect(answer.Locator("pre code")).ToHaveTextAsync("print(\"steep 3 min\")\n");
        await Assertions.Expect(answer.Locator(".message__body")).ToContainTextAsync("Enjoy! 🍵");
        await Assertions.Expect(_page.Locator("#prompt")).ToHaveValueAsync("");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor("answer.png") });
    }

    [Fact]
    public async Task TheStopButton_StopsTheModel_AndKeepsThePartialAnswer()
    {
        _host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 400).Select(i => $" word{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        await OpenAsync();
        await _page.FillAsync("#prompt", "Talk forever");
        await _page.PressAsync("#prompt", "Enter");
        await Assertions.Expect(_page.Locator("#status")).ToContainTextAsync("Generating");

        await _page.ClickAsync("#send");

        await Assertions.Expect(_page.Locator("#status")).ToHaveTextAsync("Stopped");
        await Assertions.Expect(_page.Locator(".message--assistant")).ToHaveAttributeAsync("data-status", "stopped");
        await _host.Emulator.Requests.Chats[0].WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.False(_host.Emulator.Requests.Chats[0].Completed);
    }

    [Fact]
    public async Task AMissingModel_ShowsTheErrorWithHowToFixIt()
    {
        _host.Emulator.Scripts.Enqueue(ChatScript.Status(404, "model 'llama3.2' not found"));
        await OpenAsync();

        await _page.FillAsync("#prompt", "Hello?");
        await _page.PressAsync("#prompt", "Enter");

        await Assertions.Expect(_page.Locator("#status")).ToContainTextAsync("ollama pull llama3.2");
        await Assertions.Expect(_page.Locator(".message__error")).ToContainTextAsync("is not installed");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor("error.png") });
    }

    [Fact]
    public async Task HostileMarkdownFromTheModel_StaysInert()
    {
        const string Hostile = "<img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=2</script> " +
            "[click](javascript:window.__pwned=3) ![tracker](http://tracker.invalid/pixel.png)";
        _host.Emulator.Scripts.Enqueue(ChatScript.Answer(Hostile, elementsPerChunk: 7));
        await OpenAsync();

        await _page.FillAsync("#prompt", "Be evil");
        await _page.PressAsync("#prompt", "Enter");
        await Assertions.Expect(_page.Locator(".message--assistant")).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 5000 });

        Assert.Null(await _page.EvaluateAsync<int?>("window.__pwned ?? null"));
        Assert.Empty(_pageErrors);
        var body = _page.Locator(".message--assistant .message__body");
        await Assertions.Expect(body.Locator("script")).ToHaveCountAsync(0);
        await Assertions.Expect(body.Locator("[onerror]")).ToHaveCountAsync(0);
        Assert.DoesNotContain("javascript:", await body.InnerHTMLAsync(), StringComparison.OrdinalIgnoreCase);
        // Every image in model output waits for a click; none has an address the browser would load.
        await Assertions.Expect(body.Locator("img[src]")).ToHaveCountAsync(0);
        await Assertions.Expect(body.Locator("img[data-blocked='remote-image'][data-src='http://tracker.invalid/pixel.png']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task WithOllamaDown_ABannerSaysSoAndHowToFixIt()
    {
        await using var host = await TestHost.StartAsync(upstream: OllamaClientFactory.RefusingAddress());
        var page = await _context.NewPageAsync();

        await page.GotoAsync(host.App.BaseAddress.ToString());

        var banner = page.Locator("#upstream-banner");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await Assertions.Expect(banner).ToContainTextAsync("ollama serve");
        await Assertions.Expect(banner.Locator("button")).ToHaveTextAsync("Retry");
    }

    [Fact]
    public async Task RefreshingMidAnswer_ContinuesTheSameAnswerWithNoLostOrRepeatedText()
    {
        var words = Enumerable.Range(0, 120).Select(i => $" w{i}").ToArray();
        _host.Emulator.Scripts.Enqueue(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        await OpenAsync();
        await _page.FillAsync("#prompt", "Count");
        await _page.PressAsync("#prompt", "Enter");
        await Assertions.Expect(_page.Locator(".message--assistant .message__body")).ToContainTextAsync("w20");

        await _page.ReloadAsync();

        var answer = _page.Locator(".message--assistant");
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });
        Assert.Equal(string.Concat(words).Trim(), (await answer.Locator(".message__body").InnerTextAsync()).Trim());
    }
}
