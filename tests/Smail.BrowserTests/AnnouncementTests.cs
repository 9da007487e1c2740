using System.Text.Json;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>
/// What a screen reader hears while an answer streams: the changes of state and the answer's paragraphs,
/// not every token. Counted from the page's live regions as the browser exposes them.
/// </summary>
public sealed class AnnouncementTests(BrowserFixture browser) : PageTest(browser)
{
    private static readonly string[] s_paragraphs =
    [
        "The first paragraph says what the answer is about, in a sentence of some length.",
        "The second paragraph adds the reasons, one after another, with a little detail.",
        "The last paragraph closes the answer.",
    ];

    // Every change inside an element that assistive technology treats as live (aria-live, or a live role).
    private const string CountLiveChanges =
        """
        () => {
          window.__live = [];
          const live = (node) => {
            for (let e = node.nodeType === 1 ? node : node.parentElement; e; e = e.parentElement) {
              const mode = e.getAttribute('aria-live');
              if (mode) return mode !== 'off' ? e : null;
              if (['status', 'log', 'alert', 'timer', 'marquee'].includes(e.getAttribute('role'))) return e;
            }
            return null;
          };
          new MutationObserver((records) => {
            for (const r of records) {
              const region = live(r.target);
              if (!region || region.hidden) continue;
              const added = r.type === 'characterData' ? r.target.textContent : [...r.addedNodes].map((n) => n.textContent).join('');
              if (added.trim()) window.__live.push({ region: region.id || region.className, text: added.trim() });
            }
          }).observe(document.body, { subtree: true, childList: true, characterData: true });
        }
        """;

    [Theory]
    [InlineData("paragraphs")]
    [InlineData("end")]
    public async Task AStreamedAnswer_AnnouncesStateChangesAndParagraphs_NotEveryToken(string reading)
    {
        var answer = string.Join("\n\n", s_paragraphs);
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(answer, elementsPerChunk: 3).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        await Page.AddInitScriptAsync($"localStorage.setItem('smail.answerReading', '{reading}')");
        await OpenAsync();
        await Page.EvaluateAsync(CountLiveChanges);

        await AskAsync("Tell me something");
        await WaitForAnswerAsync();
        await Assertions.Expect(Page.Locator("#announcer p").Last).ToHaveTextAsync("Done");

        var heard = (await Page.EvaluateAsync<JsonElement>("() => window.__live")).EnumerateArray()
            .Select(e => e.GetProperty("text").GetString()!).ToList();
        string[] expected = reading == "paragraphs"
            ? ["Generating", .. s_paragraphs, "Done"]
            : ["Generating", string.Join(" ", s_paragraphs), "Done"];
        Assert.Equal(expected, heard.Where(text => text is not ("Connecting" or "Loading model"))); 
        // The accessibility tree has the announcements in one log, and the status line is not live.
        var log = await Page.Locator("#announcer").AriaSnapshotAsync();
        Assert.Contains("log \"Announcements\"", log, StringComparison.Ordinal);
        Assert.Contains(s_paragraphs[^1], log, StringComparison.Ordinal);
        await Assertions.Expect(Page.Locator("#status")).ToHaveAttributeAsync("aria-live", "off");
        AssertNoPageErrors();
    }
}
