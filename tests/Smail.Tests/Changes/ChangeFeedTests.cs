using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Changes;

/// <summary>The change feed over a real socket, read by an SSE parser: what every open page hears.</summary>
public sealed class ChangeFeedTests : HostedTest
{
    [Fact]
    public async Task EveryChangeToAConversation_ReachesAnOpenFeed_InOrder()
    {
        await using var feed = new ChangeFeedReader(Host.Client);
        Assert.True((await feed.NextAsync("health")).GetProperty("upstreamReachable").GetBoolean());

        var id = await Host.CreateSessionAsync();
        Assert.Equal("created", await feed.NextSessionChangeAsync(id));
        (await Host.Client.PatchAsJsonAsync($"/api/sessions/{id}", new { title = "Renamed" })).EnsureSuccessStatusCode();
        Assert.Equal("updated", await feed.NextSessionChangeAsync(id));

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Hi", " there"));
        var accepted = await Host.SendAsync(id, "Hello");
        Assert.Equal("answer_started", await feed.NextSessionChangeAsync(id));
        Assert.Equal("updated", await feed.NextSessionChangeAsync(id));
        await Host.Events(accepted.EventsUrl).ReadToEndAsync();
        // The answer is stored ("updated") before the conversation is free again.
        Assert.Equal("answer_ended", await feed.NextSessionChangeAsync(id, skipping: "updated"));

        (await Host.Client.DeleteAsync($"/api/sessions/{id}")).EnsureSuccessStatusCode();
        Assert.Equal("deleted", await feed.NextSessionChangeAsync(id));
        (await Host.Client.PostAsync($"/api/sessions/{id}/restore", null)).EnsureSuccessStatusCode();
        Assert.Equal("restored", await feed.NextSessionChangeAsync(id));
    }

    public override Task InitializeAsync() => InitializeAsync(new Dictionary<string, string?> { ["Changes:HealthInterval"] = "00:00:00.100" });

    /// <summary>Reads the feed in the background into a channel the test takes from, one change at a time.</summary>
    [Fact]
    public async Task StoppingTheServer_EndsEveryOpenFeed_SoNoPageHoldsUpTheShutdown()
    {
        using var response = await Host.Client.GetAsync("/api/changes", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var items = SseParser.Create(stream).EnumerateAsync().GetAsyncEnumerator();
        Assert.True(await items.MoveNextAsync());
        Assert.Equal("health", items.Current.EventType);

        var stopping = Host.App.DisposeAsync().AsTask();

        // Without an end of its own, the feed would hold the shutdown for Kestrel's whole timeout (30 s).
        Assert.False(await items.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task TheModelServerGoingAwayAndComingBack_IsToldWithoutAnyoneAsking()
    {
        await using var feed = new ChangeFeedReader(Host.Client);
        Assert.True((await feed.NextAsync("health")).GetProperty("upstreamReachable").GetBoolean());

        Host.Emulator.Down = true;
        // A busy machine may see the watcher's first check (reachable, now with its upstream listed) after the page
        // subscribed: health changes until the server is down are passed over.
        var down = await feed.NextAsync("health", h => !h.GetProperty("upstreamReachable").GetBoolean());
        Assert.False(string.IsNullOrEmpty(down.GetProperty("error").GetString()));

        Host.Emulator.Down = false;
        await feed.NextAsync("health", h => h.GetProperty("upstreamReachable").GetBoolean());
    }
}
