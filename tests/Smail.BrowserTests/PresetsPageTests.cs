using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>
/// Presets from the settings dialog: the settings shown are kept under a name, one preset can be the default that new
/// chats start with, and choosing a preset fills the dialog in for this conversation.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class PresetsPageTests(BrowserFixture browser) : PageTest(browser)
{
    private ILocator Dialog => Page.Locator("#settings-dialog");

    [Fact]
    public async Task ADefaultPreset_StartsNewChats_AndAChosenPresetFillsTheDialog()
    {
        await OpenAsync();
        await Page.ClickAsync("#open-settings");
        await Dialog.Locator("[name='systemPrompt']").FillAsync("Answer in verse.");
        await Dialog.Locator("[name='seed']").FillAsync("7");
        await Dialog.GetByLabel("Name").FillAsync("Poet");
        await Dialog.GetByLabel("Default for new chats").CheckAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Save as preset" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("Preset “Poet” saved: new chats start with it.");
        await Assertions.Expect(Dialog.Locator("[name='preset'] option")).ToContainTextAsync(["Choose a preset…", "Poet (default for new chats)"]);
        await Dialog.Locator("[name='preset']").SelectOptionAsync(new SelectOptionValue { Label = "Poet (default for new chats)" });
        await Dialog.Locator("[name='preset']").ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync("presets.png");
        Assert.Equal([], await AxeViolationsAsync(Page));
        await Dialog.Locator("button[value='cancel']").ClickAsync();

        // A new chat starts with the default preset.
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Roses are red."), ChatScript.Answer("Plain words."));
        await AskAsync("Describe a rose");
        await WaitForAnswerAsync();
        var first = Host.Emulator.Requests.Chats[0].Json;
        Assert.Equal("Answer in verse.", first.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(7, first.GetProperty("options").GetProperty("seed").GetInt32());

        // Choosing the preset in another conversation's settings fills the fields in; Save keeps them there.
        await Page.ClickAsync("#new-chat");
        await Page.ClickAsync("#open-settings");
        await Assertions.Expect(Dialog.Locator("[name='systemPrompt']")).ToHaveValueAsync("");
        await Dialog.Locator("[name='preset']").SelectOptionAsync(new SelectOptionValue { Label = "Poet (default for new chats)" });
        await Assertions.Expect(Dialog.Locator("[name='systemPrompt']")).ToHaveValueAsync("Answer in verse.");
        await Assertions.Expect(Dialog.Locator("[name='seed']")).ToHaveValueAsync("7");
        await Dialog.Locator("[name='seed']").FillAsync("8");
        await Dialog.Locator("button[value='save']").ClickAsync();
        await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("Settings saved");
        await AskAsync("And a tulip?");
        await WaitForAnswerAsync();
        Assert.Equal(8, Host.Emulator.Requests.Chats[1].Json.GetProperty("options").GetProperty("seed").GetInt32());
        AssertNoPageErrors();
    }
}
