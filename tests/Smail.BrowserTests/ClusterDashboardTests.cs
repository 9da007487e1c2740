using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.BrowserTests;

/// <summary>
/// The dashboard of one instance of two that share a real Redis: the whole cluster's totals hold the other
/// instance's answers too, the list names both instances, and the store and Redis say they are up. Axe finds nothing.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class ClusterDashboardTests(BrowserFixture browser) : PageTest(browser)
{
    private RedisServer _redis = null!;
    private TestHost _other = null!;

    protected override BrowserNewContextOptions ContextOptions => new() { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } };

    protected override IDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = _redis.Configuration,
        ["Smail:Instance"] = "smail-a",
    };

    public override async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        await base.InitializeAsync();
        _other = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = _redis.Configuration,
            ["Smail:Instance"] = "smail-b",
        });
    }

    public override async Task DisposeAsync()
    {
        await _other.DisposeAsync();
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task TheDashboard_ShowsTheWholeClustersTotals_AndEachInstance_AndItsEngines()
    {
        // One answer through this instance's page, two through the other instance's API.
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Answered ", "here."));
        await OpenAsync();
        await AskAsync("First");
        await WaitForAnswerAsync();
        _other.Emulator.Scripts.Enqueue(ChatScript.Answer("Answered ", "there."), ChatScript.Answer("And ", "again."));
        var session = await _other.CreateSessionAsync();
        await _other.Events((await _other.SendAsync(session, "Second")).EventsUrl).ReadToEndAsync();
        await _other.Events((await _other.SendAsync(session, "Third")).EventsUrl).ReadToEndAsync();
        await WaitUntilTheClusterCountsAsync(3);

        await Page.GotoAsync("/dashboard");

        await Assertions.Expect(Page.Locator("#cluster-title")).ToContainTextAsync("Whole cluster · 2 instances · since");
        var clusterTotals = Page.Locator("#cluster-totals");
        await Assertions.Expect(clusterTotals.Locator(".total", new() { HasText = "Answers" }).Locator("b")).ToHaveTextAsync("3");
        await Assertions.Expect(clusterTotals.Locator(".total", new() { HasText = "Messages sent" }).Locator("b")).ToHaveTextAsync("3");
        // This instance's own tiles still count only its own answer.
        await Assertions.Expect(Page.Locator("#totals .total", new() { HasText = "Answers" }).Locator("b")).ToHaveTextAsync("1");
        var instances = Page.Locator("#cluster-instances tr");
        await Assertions.Expect(instances.Locator("th")).ToHaveTextAsync(["smail-a (this one)", "smail-b"]);
        await Assertions.Expect(Page.GetByRole(AriaRole.Row, new() { Name = "Store" }).GetByRole(AriaRole.Cell))
            .ToHaveTextAsync([new Regex("^JSON files$"), new Regex("^Up$")]);
        await Assertions.Expect(Page.GetByRole(AriaRole.Row, new() { Name = "Live answers" }).GetByRole(AriaRole.Cell))
            .ToHaveTextAsync([new Regex("^Redis$"), new Regex("^Up$")]);
        Assert.Empty(await AxeViolationsAsync(Page));
        await ScreenshotAsync("dashboard-cluster.png");
        AssertNoPageErrors();
    }

    // The instances report every two seconds: the test reads the cluster's figures until they hold every answer.
    private async Task WaitUntilTheClusterCountsAsync(long answers)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var cluster = (await Host.Client.GetFromJsonAsync<JsonElement>("/api/metrics/history", deadline.Token)).GetProperty("cluster");
            if (cluster.GetProperty("totals").GetProperty("generations").GetInt64() >= answers && cluster.GetProperty("instances").GetArrayLength() == 2)
            {
                return;
            }
            await Task.Delay(100, deadline.Token);
        }
    }
}
