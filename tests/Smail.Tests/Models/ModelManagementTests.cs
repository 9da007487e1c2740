using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Models;

/// <summary>
/// Pulling a model into Ollama with live progress on the change feed (bytes, speed, time left), cancelling it,
/// a model the registry lacks, a connection that drops mid-download, deleting a model, and admins only.
/// </summary>
public sealed class ModelManagementTests : HostedTest
{
    private async Task<JsonElement> PullAsync(string model, HttpClient? client = null)
    {
        using var response = await (client ?? Host.Client).PostAsJsonAsync("/api/models/pull", new { model });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The pull's events until it ends; the last is its end.</summary>
    private static async Task<List<JsonElement>> EventsUntilEndAsync(ChangeFeedReader feed, string id)
    {
        var events = new List<JsonElement>();
        while (true)
        {
            var pull = await feed.NextAsync("pull");
            if (pull.GetProperty("id").GetString() != id)
            {
                continue;
            }
            events.Add(pull);
            if (pull.GetProperty("state").GetString() != "running")
            {
                return events;
            }
        }
    }

    private async Task<string[]> InstalledAsync() =>
        [.. (await Host.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()!)];

    [Fact]
    public async Task APull_ShowsItsProgress_ThenTheModelIsInstalled()
    {
        await using var feed = new ChangeFeedReader(Host.Client);
        await feed.NextAsync("health"); // the feed's first frame: subscribed, so no pull event can come before it
        Assert.DoesNotContain("mistral:7b", await InstalledAsync());

        var started = await PullAsync("mistral:7b");
        var events = await EventsUntilEndAsync(feed, started.GetProperty("id").GetString()!);

        var midway = events.First(e => e.GetProperty("completed").GetInt64() > 0 && e.GetProperty("state").GetString() == "running");
        Assert.StartsWith("pulling ", midway.GetProperty("status").GetString(), StringComparison.Ordinal);
        Assert.True(midway.GetProperty("completed").GetInt64() < midway.GetProperty("total").GetInt64());
        Assert.Contains(events, e => e.GetProperty("bytesPerSecond").GetDouble() > 0 && e.TryGetProperty("secondsLeft", out var left) && left.ValueKind == JsonValueKind.Number);
        var end = events[^1];
        Assert.Equal("succeeded", end.GetProperty("state").GetString());
        Assert.Equal(4_113_301_824, end.GetProperty("total").GetInt64());
        Assert.Equal(end.GetProperty("total").GetInt64(), end.GetProperty("completed").GetInt64());
        Assert.Contains("mistral:7b", await InstalledAsync());
        var listed = (await Host.Client.GetFromJsonAsync<JsonElement>("/api/models/pulls")).GetProperty("pulls");
        Assert.Equal("succeeded", Assert.Single(listed.EnumerateArray()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task AModelTheRegistryLacks_FailsWithModelNotFound()
    {
        await using var feed = new ChangeFeedReader(Host.Client);
        await feed.NextAsync("health"); // the feed's first frame: subscribed, so no pull event can come before it

        var started = await PullAsync("no-such-model:1b");
        var end = (await EventsUntilEndAsync(feed, started.GetProperty("id").GetString()!))[^1];

        Assert.Equal("failed", end.GetProperty("state").GetString());
        Assert.Equal("model_not_found", end.GetProperty("errorCode").GetString());
        Assert.Contains("registry has no model 'no-such-model:1b'", end.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_StopsTheDownloadAtOllama_AndASecondPullOfTheSameModelJoinsTheFirst()
    {
        var never = new TaskCompletionSource();
        Host.Emulator.Pulls.Hold = never.Task;
        await using var feed = new ChangeFeedReader(Host.Client);
        await feed.NextAsync("health"); // the feed's first frame: subscribed, so no pull event can come before it

        var started = await PullAsync("phi3:mini");
        var id = started.GetProperty("id").GetString()!;
        while ((await feed.NextAsync("pull")).GetProperty("completed").GetInt64() == 0)
        {
        }
        Assert.Equal(id, (await PullAsync("phi3:mini")).GetProperty("id").GetString());

        using (var cancel = await Host.Client.PostAsync($"/api/models/pulls/{id}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        }

        Assert.Equal("cancelled", (await EventsUntilEndAsync(feed, id))[^1].GetProperty("state").GetString());
        var request = Host.Emulator.Requests.All.Single(r => r.Path == "/api/pull");
        await request.WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("phi3:mini", await InstalledAsync());
    }

    [Fact]
    public async Task AConnectionThatDropsMidDownload_FailsAndSaysToPullAgain()
    {
        Host.Emulator.Pulls.DropAfterSteps = 5;
        await using var feed = new ChangeFeedReader(Host.Client);
        await feed.NextAsync("health"); // the feed's first frame: subscribed, so no pull event can come before it

        var started = await PullAsync("phi3:mini");
        var end = (await EventsUntilEndAsync(feed, started.GetProperty("id").GetString()!))[^1];

        Assert.Equal("failed", end.GetProperty("state").GetString());
        Assert.StartsWith("upstream_", end.GetProperty("errorCode").GetString(), StringComparison.Ordinal);
        Assert.Contains("again", end.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Delete_RemovesTheModel_AndAModelThatIsNotInstalledIs404()
    {
        using (var deleted = await Host.Client.DeleteAsync("/api/models/gemma3:4b"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        Assert.DoesNotContain("gemma3:4b", await InstalledAsync());

        using var again = await Host.Client.DeleteAsync("/api/models/gemma3:4b");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("model_not_found", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ABadModelName_Is400_AndStartsNothing()
    {
        using var response = await Host.Client.PostAsJsonAsync("/api/models/pull", new { model = "../../etc/passwd; rm -rf" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_model", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.DoesNotContain(Host.Emulator.Requests.All, r => r.Path == "/api/pull");
    }

    [Fact]
    public async Task UnderAnAuthMode_OnlyAnAdminPullsOrDeletes_OthersGet404()
    {
        await using var host = await TestHost.StartAsync(Infrastructure.Accounts.LocalMode());
        var admin = host.NewClient();
        await admin.SignUpAsync("ada");
        var user = host.NewClient();
        await user.SignUpAsync("bob");

        using (var pull = await user.PostAsJsonAsync("/api/models/pull", new { model = "phi3:mini" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, pull.StatusCode);
        }
        using (var list = await user.GetAsync("/api/models/pulls"))
        {
            Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        }
        using (var delete = await user.DeleteAsync("/api/models/llama3.2:latest"))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }
        Assert.DoesNotContain(host.Emulator.Requests.All, r => r.Path is "/api/pull" or "/api/delete");

        using var byAdmin = await admin.PostAsJsonAsync("/api/models/pull", new { model = "phi3:mini" });
        Assert.Equal(HttpStatusCode.Accepted, byAdmin.StatusCode);
    }

    [Fact]
    public async Task AnOpenAiCompatibleServer_DoesNotPull()
    {
        await using var host = await TestHost.StartAsync(wire: UpstreamWire.OpenAi);

        using var response = await host.Client.PostAsJsonAsync("/api/models/pull", new { model = "phi3:mini" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("pull_not_supported", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
