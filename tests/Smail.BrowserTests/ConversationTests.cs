using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>Managing conversations: the sidebar, settings, editing and regenerating.</summary>
public sealed class ConversationTests(BrowserFixture browser) : PageTest(browser)
{
    private async Task ChatAsync(string prompt, string answer)
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(answer));
        await AskAsync(prompt);
        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync(answer);
    }

    private ILocator Sessions => Page.Locator("#session-list .session-list__item:visible");

    [Fact]
    public async Task TheSidebar_ListsConversationsNewestFirst_AndOpensThem()
    {
        await OpenAsync();
        await ChatAsync("First topic", "Answer one.");
        await Page.ClickAsync("#new-chat");
        await ChatAsync("Second topic", "Answer two.");

        await Assertions.Expect(Sessions).ToHaveCountAsync(2);
        await Assertions.Expect(Sessions.Nth(0)).ToContainTextAsync("Second topic");
        await Sessions.Nth(1).Locator(".session-list__open").ClickAsync();

        await Assertions.Expect(Page.Locator(".message--user .message__body")).ToHaveTextAsync("First topic");
        await Assertions.Expect(Page.Locator("#conversation-title")).ToHaveTextAsync("First topic");
        await Assertions.Expect(Sessions.Nth(1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-active"));
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Rename_Search_AndDeleteWithUndo()
    {
        await OpenAsync();
        await ChatAsync("Walk in the Alps", "Try the Matterhorn trail.");
        await Page.ClickAsync("#new-chat");
        await ChatAsync("Bake bread", "Use sourdough.");

        await Sessions.Nth(0).HoverAsync();
        await ChooseInMenuAsync(Sessions.Nth(0), "Rename");
        await Page.Locator(".session-list__rename").FillAsync("Bread notes");
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Sessions.Nth(0)).ToContainTextAsync("Bread notes");

        await Page.FillAsync("#session-search", "matterhorn");
        await Assertions.Expect(Sessions).ToHaveCountAsync(1);
        await Assertions.Expect(Sessions.Nth(0)).ToContainTextAsync("Walk in the Alps");
        await Page.FillAsync("#session-search", "");
        await Assertions.Expect(Sessions).ToHaveCountAsync(2);

        await Sessions.Nth(0).HoverAsync();
        await ChooseInMenuAsync(Sessions.Nth(0), "Delete");
        await Assertions.Expect(Sessions).ToHaveCountAsync(1);
        await Page.Locator("#toast button", new() { HasText = "Undo" }).ClickAsync();
        await Assertions.Expect(Sessions).ToHaveCountAsync(2);

        await Sessions.Nth(1).HoverAsync();
        await ChooseInMenuAsync(Sessions.Nth(1), "Delete");
        // The toast comes once the server has deleted it (seen failing under load: waiting only for the toast to
        // be hidden passed before it had even shown, and the list was read while the delete was on its way).
        await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("Deleted “Walk in the Alps”");
        await Assertions.Expect(Page.Locator("#toast")).ToBeHiddenAsync(new() { Timeout = 8000 });
        await Assertions.Expect(Sessions).ToHaveCountAsync(1, new() { Timeout = 5000 });
        var stored = await Host.Client.GetFromJsonAsync<JsonElement>("/api/sessions");
        Assert.Equal(["Bread notes"], stored.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("title").GetString()));
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ADelete_IsOnTheServerAtOnce_SoClosingTheTabInTheUndoWindowKeepsItDeleted_AndUndoReopensIt()
    {
        await OpenAsync();
        await ChatAsync("Keep reading", "A long book.");
        await Page.ClickAsync("#new-chat");
        await ChatAsync("Forget this", "Forgotten.");

        await Sessions.Nth(0).HoverAsync();
        await ChooseInMenuAsync(Sessions.Nth(0), "Delete");
        await Assertions.Expect(Page.Locator("#toast button", new() { HasText = "Undo" })).ToBeVisibleAsync();
        var other = await NewPageAsync();
        await OpenAsync(other);

        await Assertions.Expect(other.Locator("#session-list .session-list__item:visible")).ToHaveCountAsync(1);
        var stored = await Host.Client.GetFromJsonAsync<JsonElement>("/api/sessions");
        Assert.Equal(["Keep reading"], stored.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("title").GetString()));

        // Back to the first tab, as a person would: a tab behind another gets few frames, and a click waits for them.
        await Page.BringToFrontAsync();
        await Page.Locator("#toast button", new() { HasText = "Undo" }).ClickAsync();
        await Assertions.Expect(Sessions).ToHaveCountAsync(2);
        await Assertions.Expect(Page.Locator(".message--assistant").Last).ToContainTextAsync("Forgotten.");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task SwitchingConversationWhileOneIsStillLoading_CancelsIt_AndNeverShowsItsMessagesInTheOther()
    {
        await OpenAsync();
        await ChatAsync("Slow to load", "Slow answer.");
        await Page.ClickAsync("#new-chat");
        await ChatAsync("Quick to load", "Quick answer.");
        var slowId = (await Host.Client.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("sessions")
            .EnumerateArray().Single(s => s.GetProperty("title").GetString() == "Slow to load").GetProperty("id").GetString()!;
        var held = new TaskCompletionSource();
        var slowRequestEnded = new TaskCompletionSource<string>();
        // The slow conversation's read is held back until the other one has been opened.
        await Page.RouteAsync($"**/api/sessions/{slowId}", async route =>
        {
            await held.Task;
            try
            {
                await route.ContinueAsync();
            }
            catch (PlaywrightException)
            {
                // The page aborted the request, as it should.
            }
        });
        Page.RequestFailed += (_, request) => { if (request.Url.EndsWith(slowId, StringComparison.Ordinal)) slowRequestEnded.TrySetResult("aborted"); };
        Page.RequestFinished += (_, request) => { if (request.Url.EndsWith(slowId, StringComparison.Ordinal)) slowRequestEnded.TrySetResult("finished"); };

        await Sessions.Nth(1).Locator(".session-list__open").ClickAsync();
        await Sessions.Nth(0).Locator(".session-list__open").ClickAsync();
        await Assertions.Expect(Page.Locator(".message--user .message__body")).ToHaveTextAsync("Quick to load");
        held.SetResult();

        Assert.Equal("aborted", await slowRequestEnded.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        await Assertions.Expect(Page.Locator(".message--user .message__body")).ToHaveTextAsync("Quick to load");
        await Assertions.Expect(Page.Locator("#conversation-title")).ToHaveTextAsync("Quick to load");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TopPSeedAndContextLength_AreKeptPerConversation_AndSentToTheModel()
    {
        await OpenAsync();
        await Page.ClickAsync("#open-settings");
        await Page.FillAsync("#settings-dialog [name='topP']", "0.9");
        await Page.FillAsync("#settings-dialog [name='seed']", "42");
        await Page.FillAsync("#settings-dialog [name='numCtx']", "8192");
        await Page.ClickAsync("#settings-dialog button[value='save']");
        await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("Settings saved");

        await ChatAsync("Hello", "Hi!");

        var options = Host.Emulator.Requests.Chats[0].Json.GetProperty("options");
        Assert.Equal(0.9, options.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(42, options.GetProperty("seed").GetInt32());
        Assert.Equal(8192, options.GetProperty("num_ctx").GetInt32());
        await Page.ReloadAsync();
        // The conversation is back on screen before its settings are opened: before that, the dialog has none to show.
        await Assertions.Expect(Page.Locator(".message")).ToHaveCountAsync(2);
        await Page.ClickAsync("#open-settings");
        await Assertions.Expect(Page.Locator("#settings-dialog [name='seed']")).ToHaveValueAsync("42");
        await Page.FillAsync("#settings-dialog [name='seed']", "");
        await Page.ClickAsync("#settings-dialog button[value='save']");
        await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("Settings saved");
        await ChatAsync("Again", "Sure.");
        Assert.False(Host.Emulator.Requests.Chats[1].Json.GetProperty("options").TryGetProperty("seed", out _));
        AssertNoPageErrors();
    }

    [Fact]
    public async Task TheThinkingSwitch_ShowsForAThinkingModelOnly_AndOffAnswersWithoutReasoning()
    {
        await OpenAsync();
        var thinking = Page.Locator("#settings-dialog fieldset:has([name='think'])");
        await Page.ClickAsync("#open-settings");
        await Assertions.Expect(thinking).ToBeHiddenAsync(); // llama3.2 cannot think
        await Page.ClickAsync("#settings-dialog button[value='cancel']");

        await Page.SelectOptionAsync("#model", "qwen3:8b");
        await Page.ClickAsync("#open-settings");
        await Assertions.Expect(thinking).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator("#settings-dialog [name='think']")).ToBeCheckedAsync();
        await Page.UncheckAsync("#settings-dialog [name='think']");
        await Page.ClickAsync("#settings-dialog button[value='save']");
        await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("Settings saved");

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Paris.").WithThinking("The capital of France."));
        await AskAsync("Capital of France?");
        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("Paris.");
        Assert.False(Host.Emulator.Requests.Chats[^1].Json.GetProperty("think").GetBoolean());
        await Assertions.Expect(LastAnswer().Locator(".message__thinking")).ToBeHiddenAsync();
        AssertNoPageErrors();
    }

    [Fact]
    public async Task SystemPromptAndTemperature_AreKeptPerConversation_AndSentToTheModel()
    {
        await OpenAsync();
        await Page.ClickAsync("#open-settings");
        await Page.FillAsync("#settings-dialog textarea", "Answer like a pirate.");
        await Page.UncheckAsync("#settings-dialog [name='defaultTemperature']");
        await Page.Locator("#settings-dialog [name='temperature']").FillAsync("0.3");
        await Page.ClickAsync("#settings-dialog button[value='save']");
        await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("Settings saved");

        await ChatAsync("Hello", "Arr!");

        var sent = Host.Emulator.Requests.Chats[0].Json;
        Assert.Equal("system", sent.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("Answer like a pirate.", sent.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(0.3, sent.GetProperty("options").GetProperty("temperature").GetDouble(), 3);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AConversationsMenu_StaysWithItsConversation_WhenTheListIsRedrawnUnderIt()
    {
        await OpenAsync();
        await ChatAsync("Alpha", "A.");
        await Sessions.First.HoverAsync();
        await Sessions.First.Locator("[data-action='menu']").ClickAsync();
        var menu = Page.GetByRole(AriaRole.Menu);
        await Assertions.Expect(menu).ToBeVisibleAsync();

        // Another tab creates a conversation: the change feed redraws the list while the menu is open.
        await Host.CreateSessionAsync();
        await Assertions.Expect(Sessions).ToHaveCountAsync(2);

        var alpha = Sessions.Filter(new() { HasText = "Alpha" });
        await Assertions.Expect(alpha.Locator("[data-action='menu']")).ToHaveAttributeAsync("aria-expanded", "true");
        await menu.GetByRole(AriaRole.Menuitem, new() { Name = "Rename" }).ClickAsync();
        await Page.Locator(".session-list__rename").FillAsync("Alpha, renamed");
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Sessions.Filter(new() { HasText = "Alpha, renamed" })).ToHaveCountAsync(1);
        await Assertions.Expect(Sessions.Filter(new() { HasText = "New chat" })).ToHaveCountAsync(1);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task EditingAnEarlierMessage_MakesANewVersion_AndItsArrowsSwitchBetweenTheBranches_ByKeyboardToo()
    {
        await OpenAsync();
        await ChatAsync("Capital of France?", "Paris.");
        await ChatAsync("And of Italy?", "Rome.");

        var first = Page.Locator(".message--user").First;
        await first.GetByRole(AriaRole.Button, new() { Name = "Edit message" }).ClickAsync();
        var editor = first.Locator(".message__editor textarea");
        await Assertions.Expect(editor).ToHaveAccessibleDescriptionAsync(
            "Sending makes a new version of this message. The 3 messages after it stay with this version: ‹ › switches back.");
        await first.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(Page.Locator(".message__editor")).ToHaveCountAsync(0);
        await Assertions.Expect(Page.Locator(".message")).ToHaveCountAsync(4);

        // Sent: the new version shows with its own answer, and says it is the second of two.
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Berlin."));
        await first.GetByRole(AriaRole.Button, new() { Name = "Edit message" }).ClickAsync();
        await editor.FillAsync("Capital of Germany?");
        await first.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await WaitForAnswerAsync();
        await Assertions.Expect(Page.Locator(".message .message__body")).ToHaveTextAsync(["Capital of Germany?", "Berlin."]);
        var versions = first.Locator(".message__versions");
        await Assertions.Expect(versions).ToBeVisibleAsync();
        await Assertions.Expect(versions.Locator(".message__version")).ToHaveTextAsync("2/2");
        await Assertions.Expect(versions.GetByRole(AriaRole.Button, new() { Name = "Next version of this message" })).ToHaveAttributeAsync("aria-disabled", "true");
        await Assertions.Expect(LastAnswer().Locator(".message__versions")).ToBeHiddenAsync();
        await ScreenshotAsync("branching.png");

        // ‹ shows the first version and everything that was written after it; the focus stays on the arrows.
        await versions.GetByRole(AriaRole.Button, new() { Name = "Previous version of this message" }).ClickAsync();
        await Assertions.Expect(Page.Locator(".message .message__body")).ToHaveTextAsync(["Capital of France?", "Paris.", "And of Italy?", "Rome."]);
        await Assertions.Expect(first.Locator(".message__version")).ToHaveTextAsync("1/2");
        await Assertions.Expect(first.GetByRole(AriaRole.Button, new() { Name = "Next version of this message" })).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Page.Locator(".message .message__body")).ToHaveTextAsync(["Capital of Germany?", "Berlin."]);
        await Assertions.Expect(first.GetByRole(AriaRole.Button, new() { Name = "Previous version of this message" })).ToBeFocusedAsync();

        // The version shown is the server's: a reload shows it, and a message sent goes on from it.
        await Page.ReloadAsync();
        await Assertions.Expect(Page.Locator(".message .message__body")).ToHaveTextAsync(["Capital of Germany?", "Berlin."]);
        await ChatAsync("And of Spain?", "Madrid.");
        Assert.Equal(["Capital of Germany?", "Berlin.", "And of Spain?"],
            Host.Emulator.Requests.Chats[^1].Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.Empty(await AxeViolationsAsync(Page));
        AssertNoPageErrors();
    }

    [Fact]
    public async Task WhileAnAnswerStreams_EditIsDisabledAndSaysWhy_AndThereIsOneEditorAtATime()
    {
        await OpenAsync();
        await ChatAsync("Capital of France?", "Paris.");
        await ChatAsync("And of Italy?", "Rome.");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 200).Select(i => $" w{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        await AskAsync("And of Spain?");
        await Assertions.Expect(Page.Locator("#status")).ToContainTextAsync("Generating");

        var edit = Page.Locator(".message--user").First.GetByRole(AriaRole.Button, new() { Name = "Edit message" });
        await Assertions.Expect(edit).ToHaveAttributeAsync("aria-disabled", "true");
        await Assertions.Expect(edit).ToHaveAttributeAsync("title", new Regex("stop it or wait"));
        await edit.ClickAsync(new() { Force = true });
        await Assertions.Expect(Page.Locator(".message__editor")).ToHaveCountAsync(0);

        await Page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(LastAnswer()).ToHaveAttributeAsync("data-status", "stopped");
        await Assertions.Expect(edit).ToHaveAttributeAsync("aria-disabled", "false");
        await edit.ClickAsync();
        await edit.ClickAsync();
        await Page.Locator(".message--user").Nth(1).GetByRole(AriaRole.Button, new() { Name = "Edit message" }).ClickAsync();
        await Assertions.Expect(Page.Locator(".message__editor")).ToHaveCountAsync(1);
        await Assertions.Expect(Page.Locator(".message--user").Nth(1).Locator(".message__editor")).ToHaveCountAsync(1);
        await Assertions.Expect(Page.Locator(".message--user").First.Locator(".message__body")).ToBeVisibleAsync();
        AssertNoPageErrors();
    }

    [Fact]
    public async Task EditingAnEarlierMessage_ResendsFromThere()
    {
        await OpenAsync();
        await ChatAsync("Capital of France?", "Paris.");
        await ChatAsync("And of Italy?", "Rome.");

        var first = Page.Locator(".message--user").First;
        await first.HoverAsync();
        await first.Locator("[data-action='edit']").ClickAsync();
        await first.Locator(".message__editor textarea").FillAsync("Capital of Spain?");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Madrid."));
        await first.Locator(".message__editor textarea").PressAsync("Enter");

        await WaitForAnswerAsync();
        await Assertions.Expect(Page.Locator(".message")).ToHaveCountAsync(2);
        await Assertions.Expect(Page.Locator(".message--user .message__body")).ToHaveTextAsync("Capital of Spain?");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("Madrid.");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AStoppedAnswer_CanBeContinuedWhereItStopped()
    {
        await OpenAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 400).Select(i => $" word{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        await AskAsync("Talk");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToContainTextAsync("word5");
        await Page.ClickAsync("#send");
        await WaitForAnswerAsync("stopped");
        var partial = (await LastAnswer().Locator(".message__body").InnerTextAsync()).Trim();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(" and", " that", " is", " all."));

        await LastAnswer().HoverAsync();
        await LastAnswer().Locator("[data-action='continue']").ClickAsync();

        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync(partial + " and that is all.");
        await Assertions.Expect(Page.Locator(".message--assistant")).ToHaveCountAsync(1);
        var prefill = Host.Emulator.Requests.Chats[1].Json.GetProperty("messages");
        Assert.Equal("assistant", prefill[prefill.GetArrayLength() - 1].GetProperty("role").GetString());
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Regenerate_WritesASecondVersion_AndTheFirstIsOneClickAway()
    {
        await OpenAsync();
        await ChatAsync("Tell me a joke", "Old joke.");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("New", " joke."));

        await LastAnswer().HoverAsync();
        await LastAnswer().Locator("[data-action='regenerate']").ClickAsync();

        await WaitForAnswerAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("New joke.");
        await Assertions.Expect(Page.Locator(".message--assistant")).ToHaveCountAsync(1);
        await Assertions.Expect(LastAnswer().Locator(".message__version")).ToHaveTextAsync("2/2");
        await LastAnswer().GetByRole(AriaRole.Button, new() { Name = "Previous version of this answer" }).ClickAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToHaveTextAsync("Old joke.");
        await Assertions.Expect(LastAnswer().Locator(".message__version")).ToHaveTextAsync("1/2");
        AssertNoPageErrors();
    }
}
