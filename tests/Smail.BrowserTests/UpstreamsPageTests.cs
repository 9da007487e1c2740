using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>
/// The page with two model servers: Ollama (the first emulator) and an OpenAI-compatible one that cannot continue
/// a broken-off answer (a second emulator, playing OpenAI's own API). Models are grouped by upstream, each answer
/// says which model wrote it, "Regenerate with…" picks another model for one answer, a server that goes down is
/// greyed out with its reason, and an answer that had to restart says so.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class UpstreamsPageTests(BrowserFixture browser) : PageTest(browser)
{
    private OllamaEmulator.OllamaEmulator _openAi = null!;

    protected override IDictionary<string, string?> HostSettings => new Dictionary<string, string?>(base.HostSettings)
    {
        ["Upstreams:openai:Type"] = "openai",
        ["Upstreams:openai:BaseUrl"] = new Uri(_openAi.BaseAddress, "v1").ToString(),
        ["Upstreams:openai:ApiKey"] = "sk-page-test",
    };

    public override async Task InitializeAsync()
    {
        _openAi = await OllamaEmulator.OllamaEmulator.StartAsync();
        _openAi.OpenAi.ApiKey = "sk-page-test";
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _openAi.DisposeAsync();
    }

    private async Task OpenWithAsync(string model)
    {
        await Page.GotoAsync("/");
        await Assertions.Expect(Page.Locator($"#model option[value='{model}']")).ToHaveCountAsync(1);
        await Page.SelectOptionAsync("#model", model);
    }

    private static ILocator ModelOf(ILocator answer) => answer.Locator(".message__model");

    [Fact]
    public async Task AModelFromTheSecondUpstream_Answers_ThenRegenerateWithTheFirst_RewritesThatAnswer()
    {
        await OpenWithAsync("openai/qwen3:8b");
        await Assertions.Expect(Page.Locator("#model optgroup")).ToHaveCountAsync(2);
        // An OpenAI-compatible server fixes its context length: the setting is not offered for its models.
        await Page.ClickAsync("#open-settings");
        await Assertions.Expect(Page.Locator("#settings-dialog [name='topP']")).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator("#settings-dialog [name='numCtx']")).ToBeHiddenAsync();
        await Page.ClickAsync("#settings-dialog button[value='cancel']");
        await Assertions.Expect(Page.Locator("#model optgroup[label='openai'] option[value='openai/qwen3:8b']")).ToHaveCountAsync(1);
        await Assertions.Expect(Page.Locator("#model optgroup[label='ollama'] option[value='ollama/llama3.2:latest']")).ToHaveCountAsync(1);

        _openAi.Scripts.Enqueue(ChatScript.Answer("Written ", "by the second ", "server."));
        await AskAsync("Who writes this?");
        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("Written by the second server.");
        await Assertions.Expect(ModelOf(LastAnswer())).ToHaveTextAsync("openai/qwen3:8b");

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Rewritten ", "by Ollama."));
        var regenerateWith = LastAnswer().GetByRole(AriaRole.Button, new() { Name = "Regenerate with… another model" });
        await regenerateWith.ClickAsync();
        var menu = Page.GetByRole(AriaRole.Menu, new() { Name = "Regenerate with" });
        await Assertions.Expect(menu).ToBeVisibleAsync();
        await Assertions.Expect(regenerateWith).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(menu.GetByRole(AriaRole.Group, new() { Name = "openai" }).GetByRole(AriaRole.Menuitem, new() { Name = "qwen3:8b (this answer)" }))
            .ToBeVisibleAsync();
        var firstUpstreamsModel = menu.GetByRole(AriaRole.Group, new() { Name = "ollama" }).GetByRole(AriaRole.Menuitem, new() { Name = "llama3.2:latest", Exact = true });
        await Assertions.Expect(menu.GetByRole(AriaRole.Menuitem).First).ToBeFocusedAsync();
        await ScreenshotAsync("regenerate-with.png");
        Assert.Equal([], await AxeViolationsAsync(Page));

        await firstUpstreamsModel.ClickAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("Rewritten by Ollama.", new() { Timeout = 15_000 });
        await WaitForAnswerAsync();
        await Assertions.Expect(ModelOf(LastAnswer())).ToHaveTextAsync("ollama/llama3.2:latest");
        await Assertions.Expect(Page.Locator(".message--assistant")).ToHaveCountAsync(1);
        Assert.Equal("llama3.2:latest", Host.Emulator.Requests.Chats.Single().Json.GetProperty("model").GetString());
        Assert.Equal("qwen3:8b", _openAi.Requests.Chats.Single().Json.GetProperty("model").GetString());

        // After a reload: the answer still names the model that wrote it, and the conversation keeps its own model.
        await Page.ReloadAsync();
        await Assertions.Expect(ModelOf(LastAnswer())).ToHaveTextAsync("ollama/llama3.2:latest");
        await Assertions.Expect(Page.Locator("#model")).ToHaveValueAsync("openai/qwen3:8b");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AnUpstreamThatGoesDown_IsGreyedOutWithItsReason_TheOtherKeepsAnswering_AndItComesBack()
    {
        await OpenWithAsync("ollama/llama3.2:latest");

        _openAi.Down = true;
        var unavailable = Page.Locator("#model optgroup[label='openai'] option[disabled]");
        await Assertions.Expect(unavailable).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(unavailable).ToContainTextAsync("Unavailable");
        await Assertions.Expect(Page.Locator("#upstream-banner")).ToBeHiddenAsync();

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Still ", "here."));
        await AskAsync("Anyone?");
        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("Still here.");

        _openAi.Down = false;
        await Assertions.Expect(Page.Locator("#model optgroup[label='openai'] option[value='openai/qwen3:8b']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        AssertNoPageErrorsBesidesRefusedRequests();
    }

    [Fact]
    public async Task AnAnswerThatHadToRestart_SaysSo_ShowsOnlyTheNewText_AndOffersNoContinue()
    {
        const string Story = "Once upon a time there was a small model server that lost its connection.";
        var chunks = ChatScript.Answer(Story, elementsPerChunk: 3).Chunks.Select(c => c.Content).ToArray();
        _openAi.Scripts.Enqueue(ChatScript.Answer(chunks).ResetAfter(4), ChatScript.Answer(chunks));
        await OpenWithAsync("openai/qwen3:8b");

        await AskAsync("A story, please");
        await WaitForAnswerAsync();

        var notice = LastAnswer().Locator(".message__notice");
        await Assertions.Expect(notice).ToHaveTextAsync("Restarted after a dropped connection");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync(Story);
        await ScreenshotAsync("restarted.png");

        await Page.ReloadAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__notice")).ToHaveTextAsync("Restarted after a dropped connection");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync(Story);
        Assert.Empty(await AxeViolationsAsync(Page));

        // Stopped half-way on this server, the answer can be regenerated but not continued.
        _openAi.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 400).Select(i => $" word{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        await AskAsync("Another, slowly");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).Not.ToBeEmptyAsync(new() { Timeout = 15_000 });
        await Page.ClickAsync("#send"); // Send is Stop while an answer streams
        await WaitForAnswerAsync("stopped");
        await LastAnswer().HoverAsync();
        await Assertions.Expect(LastAnswer().GetByRole(AriaRole.Button, new() { Name = "Regenerate answer", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(LastAnswer().GetByRole(AriaRole.Button, new() { Name = "Continue answer" })).ToBeHiddenAsync();
        AssertNoPageErrors();
    }
}
