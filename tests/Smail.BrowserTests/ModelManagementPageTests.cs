using Microsoft.Playwright;

namespace Smail.BrowserTests;

/// <summary>
/// The Models dialog: a pull shows its live progress and survives a reload of the page, Cancel stops it, a finished
/// model appears in the picker, and Delete asks once more before it deletes.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class ModelManagementPageTests(BrowserFixture browser) : PageTest(browser)
{
    private ILocator Dialog => Page.Locator("#models-dialog");

    private async Task OpenModelsAsync()
    {
        await Page.ClickAsync("#open-models");
        await Assertions.Expect(Dialog).ToBeVisibleAsync();
    }

    private async Task PullAsync(string model)
    {
        await Dialog.GetByLabel("Pull a model from the Ollama library").FillAsync(model);
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Pull", Exact = true }).ClickAsync();
    }

    [Fact]
    public async Task APull_ShowsItsProgress_SurvivesAReload_AndTheModelJoinsThePicker()
    {
        var release = new TaskCompletionSource();
        Host.Emulator.Pulls.Hold = release.Task;
        await OpenAsync();
        await OpenModelsAsync();

        await PullAsync("mistral:7b");

        var row = Dialog.Locator(".models__pull");
        await Assertions.Expect(row.Locator("strong")).ToHaveTextAsync("mistral:7b");
        await Assertions.Expect(row.Locator(".models__status")).ToContainTextAsync(" of 4.1 GB");
        await ScreenshotAsync("models.png");
        Assert.Equal([], await AxeViolationsAsync(Page));

        // The download is the server's: after a reload the page shows it again.
        await Page.ReloadAsync();
        await OpenModelsAsync();
        await Assertions.Expect(Dialog.Locator(".models__pull[data-state='running'] strong")).ToHaveTextAsync("mistral:7b");

        release.SetResult();
        await Assertions.Expect(Dialog.Locator(".models__pull[data-state='succeeded'] .models__status")).ToHaveTextAsync("Done: 4.1 GB", new() { Timeout = 15_000 });
        await Assertions.Expect(Dialog.Locator(".models__installed")).ToContainTextAsync("mistral:7b");
        await Assertions.Expect(Page.Locator("#model option[value='mistral:7b']")).ToHaveCountAsync(1);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Cancel_StopsTheDownload_AndDeleteAsksOnceMore()
    {
        Host.Emulator.Pulls.Hold = new TaskCompletionSource().Task;
        await OpenAsync();
        await OpenModelsAsync();

        await PullAsync("phi3:mini");
        await Assertions.Expect(Dialog.Locator(".models__pull .models__status")).ToContainTextAsync(" of ");
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel the download of phi3:mini" }).ClickAsync();
        await Assertions.Expect(Dialog.Locator(".models__pull[data-state='cancelled'] .models__status")).ToHaveTextAsync("Cancelled");

        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete gemma3:4b" }).ClickAsync();
        var confirm = Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete gemma3:4b from the disk" });
        await Assertions.Expect(confirm).ToBeFocusedAsync();
        Assert.DoesNotContain(Host.Emulator.Requests.All, r => r.Path == "/api/delete");
        await confirm.ClickAsync();

        await Assertions.Expect(Dialog.Locator(".models__installed")).Not.ToContainTextAsync("gemma3:4b");
        await Assertions.Expect(Page.Locator("#model option[value='gemma3:4b']")).ToHaveCountAsync(0);
        AssertNoPageErrors();
    }
}
