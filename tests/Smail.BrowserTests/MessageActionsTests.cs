using System.Text.Json;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>What the buttons under a message do, and that each says what it acts on.</summary>
[Collection(BrowserCollection.Second)]
public sealed class MessageActionsTests(BrowserFixture browser) : PageTest(browser)
{
    private const string Markdown = "Two steps:\n\n1. The core\n2. The rest\n\n```python\nclass Store:\n    pass\n```\n\nDone *now*.";

    [Fact]
    public async Task CopyAnswer_PutsTheMarkdownSourceAsText_AndTheRenderingAsHtml_WithoutButtonsOrLabels()
    {
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(Markdown, elementsPerChunk: 4));
        await OpenAsync();
        await AskAsync("Plan?");
        await WaitForAnswerAsync();

        await LastAnswer().GetByRole(AriaRole.Button, new() { Name = "Copy answer" }).ClickAsync();
        await Assertions.Expect(LastAnswer().GetByRole(AriaRole.Button, new() { Name = "Copy answer" })).ToHaveTextAsync("Copied");

        var clipboard = await Page.EvaluateAsync<JsonElement>(
            """
            async () => {
              const [item] = await navigator.clipboard.read();
              return { types: item.types, text: await (await item.getType('text/plain')).text(), html: await (await item.getType('text/html')).text() };
            }
            """);
        Assert.Equal(Markdown, clipboard.GetProperty("text").GetString());
        var html = clipboard.GetProperty("html").GetString()!;
        Assert.Contains("<li>The core</li>", html, StringComparison.Ordinal);
        Assert.Contains("<pre>", html, StringComparison.Ordinal);
        Assert.Contains("Store", html, StringComparison.Ordinal);
        Assert.Contains("<em>now</em>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Copy", html, StringComparison.Ordinal);
        Assert.DoesNotContain("code-header", html, StringComparison.Ordinal);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task EveryActionButton_IsNamedForWhatItActsOn()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("```js\nlet x = 1;\n```"));
        await OpenAsync();
        await AskAsync("Code?");
        await WaitForAnswerAsync();

        foreach (var name in new[] { "Copy message", "Edit message", "Copy answer", "Regenerate answer", "Copy js code" })
        {
            await Assertions.Expect(Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true })).ToHaveCountAsync(1);
        }
        await Assertions.Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AnAnswerCutAtTheLengthLimit_SaysSo_AndOffersContinue_AfterAReloadToo()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("The first half of a long") with { DoneReason = "length" }, ChatScript.Answer(" answer, finished."));
        await OpenAsync();
        await AskAsync("Write a lot");
        await WaitForAnswerAsync();

        await Assertions.Expect(LastAnswer().Locator(".message__meta")).ToContainTextAsync("cut at the length limit");
        await Page.ReloadAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__meta")).ToContainTextAsync("cut at the length limit");
        await LastAnswer().HoverAsync();
        await LastAnswer().GetByRole(AriaRole.Button, new() { Name = "Continue answer" }).ClickAsync();

        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("The first half of a long answer, finished.", new() { Timeout = 15_000 });
        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__meta")).Not.ToContainTextAsync("length limit");
        AssertNoPageErrors();
    }
}
