using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.BrowserTests;

/// <summary>
/// Export and import from the page: a conversation's ⋯ menu downloads it as Markdown or as Smail's JSON, and the
/// sidebar's Import button takes that JSON back, ChatGPT's conversations.json or Open WebUI's export; a file that is
/// none of these is refused with its reason and changes nothing.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class ExportImportPageTests(BrowserFixture browser) : PageTest(browser)
{
    private static string Sample(string name) => Path.Combine(SmailProcess.RepoRoot(), "tests", "Smail.Tests", "Transfer", "Samples", name);

    private ILocator Conversations => Page.Locator("#session-list [data-session-id]");

    private async Task<IDownload> ExportAsync(string label)
    {
        var download = Page.WaitForDownloadAsync();
        await ChooseInMenuAsync(Conversations.First, label);
        return await download;
    }

    private async Task ImportAsync(string file) => await Page.Locator("#import-file").SetInputFilesAsync(file);

    [Fact]
    public async Task AConversation_ExportsAsMarkdownAndJson_AndTheJsonImportsBackAsANewConversation()
    {
        await OpenAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Use a **loop**: ", "`for x in xs`."));
        await AskAsync("How do I repeat something in Rust?");
        await WaitForAnswerAsync();
        await Assertions.Expect(Conversations).ToHaveCountAsync(1);

        var markdown = await ExportAsync("Export as Markdown");
        Assert.Equal("How-do-I-repeat-something-in-Rust.md", markdown.SuggestedFilename);
        var text = await File.ReadAllTextAsync((await markdown.PathAsync())!);
        Assert.StartsWith("# How do I repeat something in Rust?", text, StringComparison.Ordinal);
        Assert.Contains("## Assistant (llama3.2:latest)\n\nUse a **loop**: `for x in xs`.", text, StringComparison.Ordinal);

        var json = await ExportAsync("Export as JSON (for Smail)");
        Assert.Equal("How-do-I-repeat-something-in-Rust.json", json.SuggestedFilename);
        // The page reads the file when it sends it: the file stays until the import is done.
        var saved = Path.Combine(Path.GetTempPath(), $"smail-export-{Guid.NewGuid():N}.json");
        await json.SaveAsAsync(saved);
        try
        {
            await ImportAsync(saved);
            await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("Imported 1 conversation from");
        }
        finally
        {
            File.Delete(saved);
        }

        await Assertions.Expect(Conversations).ToHaveCountAsync(2);
        await Assertions.Expect(Page.Locator(".message--user .message__body")).ToHaveTextAsync("How do I repeat something in Rust?");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("Use a loop: for x in xs.");
        await Assertions.Expect(LastAnswer().Locator(".message__body strong")).ToHaveTextAsync("loop");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ChatGptsExport_ImportsEveryConversation_AndOpensTheFirstWithItsThinking()
    {
        await OpenAsync();

        await ImportAsync(Sample("chatgpt-conversations.json"));

        await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("Imported 2 conversations from “chatgpt-conversations.json”.");
        await Assertions.Expect(Page.Locator("#session-list .session-list__title")).ToContainTextAsync(["Haiku about rain", "Sourdough starter help"]);
        await Assertions.Expect(Page.Locator("#conversation-title")).ToHaveTextAsync("Sourdough starter help");
        await Assertions.Expect(Page.Locator(".message")).ToHaveCountAsync(4);
        await Assertions.Expect(Page.Locator(".message--assistant").First.Locator(".message__body")).ToHaveTextAsync("It is alive but starving. Feed it 1:1:1 and keep it warm.");
        await Assertions.Expect(Page.Locator(".message--assistant").First.Locator(".message__model")).ToHaveTextAsync("o3");
        await ScreenshotAsync("import.png");
        Assert.Equal([], await AxeViolationsAsync(Page));

        // ChatGPT's tree came in as branches: the regenerated answer is the second version, and the first is one click away.
        var answer = Page.Locator(".message--assistant").First;
        await Assertions.Expect(answer.Locator(".message__version")).ToHaveTextAsync("2/2");
        await answer.GetByRole(AriaRole.Button, new() { Name = "Previous version of this answer" }).ClickAsync();
        await Assertions.Expect(Page.Locator(".message--assistant").First.Locator(".message__body")).ToContainTextAsync("that acetone smell means it is hungry");
        await Assertions.Expect(Page.Locator(".message")).ToHaveCountAsync(2);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task OpenWebUisExport_Imports_WithItsSystemPromptInTheSettings()
    {
        await OpenAsync();

        await ImportAsync(Sample("open-webui-export.json"));

        await Assertions.Expect(Page.Locator("#conversation-title")).ToHaveTextAsync("Rust lifetimes");
        await Assertions.Expect(Page.Locator(".message")).ToHaveCountAsync(4);
        await Page.ClickAsync("#open-settings");
        await Assertions.Expect(Page.Locator("#settings-dialog textarea[name='systemPrompt']")).ToHaveValueAsync("Answer like a patient teacher.");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AFileThatIsNoExport_IsRefusedWithItsReason_AndNothingChanges()
    {
        await OpenAsync();
        var notAnExport = Path.Combine(Path.GetTempPath(), $"smail-not-an-export-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(notAnExport, "{\"shopping\": [\"milk\", \"bread\"]}");
        try
        {
            await ImportAsync(notAnExport);
            await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync(
                "Nothing was imported: This file is not a Smail export, ChatGPT's conversations.json or an Open WebUI export.");
        }
        finally
        {
            File.Delete(notAnExport);
        }
        await Assertions.Expect(Conversations).ToHaveCountAsync(0);
        AssertNoPageErrorsBesidesRefusedRequests();
    }
}
