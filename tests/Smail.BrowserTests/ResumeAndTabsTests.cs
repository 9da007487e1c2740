using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>The answer survives refreshes, network drops and second tabs, with no lost or repeated text.</summary>
public sealed class ResumeAndTabsTests(BrowserFixture browser) : PageTest(browser)
{
    private static readonly string[] s_words = [.. Enumerable.Range(0, 160).Select(i => $" w{i}")];
    private static readonly string s_answer = string.Concat(s_words).Trim();

    private void QueueSlowAnswer() =>
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(s_words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));

    [Fact]
    public async Task AfterARefreshMidAnswer_TokensPerSecondIsTheServersRate_NotTheReplays()
    {
        QueueSlowAnswer();
        await OpenAsync();
        await AskAsync("Count");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToContainTextAsync("w40");

        await Page.ReloadAsync();
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToContainTextAsync("w80");
        var status = await Page.Locator("#status").InnerTextAsync();

        // The emulator writes a token every 25 ms at most: 40 tok/s is the most the server can have seen.
        var match = Regex.Match(status, @"(\d+) tok/s");
        Assert.True(match.Success, $"no rate in \"{status}\"");
        var rate = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(rate, 5, 42);
        await WaitForAnswerAsync();
        AssertNoPageErrors();
    }

    [Fact]
    public async Task RefreshingMidAnswer_ContinuesTheSameAnswerWithNoLostOrRepeatedText()
    {
        QueueSlowAnswer();
        await OpenAsync();
        await AskAsync("Count");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToContainTextAsync("w20");

        await Page.ReloadAsync();

        await WaitForAnswerAsync();
        Assert.Equal(s_answer, (await LastAnswer().Locator(".message__body").InnerTextAsync()).Trim());
        AssertNoPageErrors();
    }

    [Fact]
    public async Task LosingTheNetworkForAFewSeconds_ResumesWhereItWas()
    {
        await using var relay = new TcpRelay(Host.App.BaseAddress);
        QueueSlowAnswer();
        await Page.GotoAsync(relay.Address.ToString());
        await Assertions.Expect(Page.Locator("#model option[value='llama3.2:latest']")).ToHaveCountAsync(1);
        await Page.SelectOptionAsync("#model", "llama3.2:latest");
        await AskAsync("Count");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToContainTextAsync("w10");

        relay.Cut(TimeSpan.FromSeconds(2));

        await Assertions.Expect(Page.Locator("#status")).ToContainTextAsync("Reconnecting");
        await WaitForAnswerAsync();
        Assert.Equal(s_answer, (await LastAnswer().Locator(".message__body").InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task ASecondTab_ShowsTheSameLiveAnswer()
    {
        QueueSlowAnswer();
        await OpenAsync();
        await AskAsync("Count");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToContainTextAsync("w5");

        var second = await NewPageAsync();
        await second.GotoAsync("/");

        await Assertions.Expect(LastAnswer(second)).ToHaveAttributeAsync("data-status", "streaming");
        await WaitForAnswerAsync(page: second);
        await WaitForAnswerAsync();
        Assert.Equal(s_answer, (await LastAnswer(second).Locator(".message__body").InnerTextAsync()).Trim());
        Assert.Equal(s_answer, (await LastAnswer().Locator(".message__body").InnerTextAsync()).Trim());
        Assert.Single(Host.Emulator.Requests.Chats);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ABrowserWithoutEventSource_FollowsTheAnswerByLongPolling()
    {
        await Page.AddInitScriptAsync("delete window.EventSource;");
        QueueSlowAnswer();
        await OpenAsync();

        await AskAsync("Count");

        await WaitForAnswerAsync();
        Assert.Equal(s_answer, (await LastAnswer().Locator(".message__body").InnerTextAsync()).Trim());
        Assert.False(await Page.EvaluateAsync<bool>("'EventSource' in window"));
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ScrollingUpWhileTextStreams_IsNotYankedBack_AndOffersJumpToLatest()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 300).Select(i => $"Line {i}\n\n")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        await OpenAsync();
        await AskAsync("Many lines");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToContainTextAsync("Line 60");

        await Page.Locator("#conversation").EvaluateAsync("c => c.scrollTop = 0");
        await Assertions.Expect(LastAnswer().Locator(".message__body")).ToContainTextAsync("Line 120");

        Assert.Equal(0, await Page.Locator("#conversation").EvaluateAsync<int>("c => c.scrollTop"));
        var jump = Page.Locator("#jump-latest");
        await Assertions.Expect(jump).ToBeVisibleAsync();
        await jump.ClickAsync();
        await Assertions.Expect(jump).ToBeHiddenAsync();
        Assert.True(await Page.Locator("#conversation").EvaluateAsync<bool>("c => c.scrollHeight - c.scrollTop - c.clientHeight < 60"));
    }
}
