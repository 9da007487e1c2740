using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Api;

public sealed class SessionsApiTests : HostedTest
{
    [Fact]
    public async Task Create_Returns201WithTheSessionAndItsLocation()
    {
        using var response = await Host.Client.PostAsJsonAsync("/api/sessions", new { title = "Trip plans", model = "llama3.2", systemPrompt = "Be kind." });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/sessions/{session.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        Assert.Equal("Trip plans", session.GetProperty("title").GetString());
        Assert.Equal("Be kind.", session.GetProperty("systemPrompt").GetString());
        Assert.Equal(0, session.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Create_WithNoBody_StartsAnUntitledChat()
    {
        using var response = await Host.Client.PostAsync("/api/sessions", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("New chat", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task List_IsNewestFirst_AndTheFirstMessageTitlesAnUntitledChat()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Sure."));
        var older = await Host.CreateSessionAsync();
        var newer = await Host.CreateSessionAsync();
        await Host.Events((await Host.SendAsync(older, "Plan a walk in the Alps")).EventsUrl).ReadToEndAsync();

        var list = (await Host.Client.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("sessions");

        Assert.Equal([older, newer], list.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal("Plan a walk in the Alps", list[0].GetProperty("title").GetString());
        Assert.Equal(2, list[0].GetProperty("messageCount").GetInt32());
    }

    [Fact]
    public async Task Search_FindsConversationsByTitleOrContent_IgnoringCase()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Try the Matterhorn."), ChatScript.Answer("Use sourdough."));
        var alps = await Host.CreateSessionAsync();
        await Host.Events((await Host.SendAsync(alps, "Plan a walk in the Alps")).EventsUrl).ReadToEndAsync();
        var bread = await Host.CreateSessionAsync();
        await Host.Events((await Host.SendAsync(bread, "How to bake bread?")).EventsUrl).ReadToEndAsync();

        async Task<string[]> SearchAsync(string q) =>
            [.. (await Host.Client.GetFromJsonAsync<JsonElement>($"/api/sessions?q={Uri.EscapeDataString(q)}"))
                .GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!)];

        Assert.Equal([alps], await SearchAsync("ALPS"));
        Assert.Equal([bread], await SearchAsync("sourdough"));
        Assert.Equal([alps], await SearchAsync("walk matterhorn"));
        Assert.Empty(await SearchAsync("nothing like this"));
        Assert.Equal(2, (await SearchAsync("")).Length);
    }

    [Fact]
    public async Task Patch_ChangesOnlyWhatItNames()
    {
        var id = await Host.CreateSessionAsync(systemPrompt: "Keep me.");

        using var response = await Host.Client.PatchAsJsonAsync($"/api/sessions/{id}", new { title = "Renamed" });
        var session = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("Renamed", session.GetProperty("title").GetString());
        Assert.Equal("Keep me.", session.GetProperty("systemPrompt").GetString());
        Assert.Equal("llama3.2", session.GetProperty("model").GetString());
    }

    [Fact]
    public async Task RenamingOrChangingSettings_IsNotActivity_SoTheListKeepsItsOrder()
    {
        var older = await Host.CreateSessionAsync();
        var newer = await Host.CreateSessionAsync();
        var before = await Host.Client.GetFromJsonAsync<JsonElement>($"/api/sessions/{older}");

        (await Host.Client.PatchAsJsonAsync($"/api/sessions/{older}", new { title = "Renamed", systemPrompt = "Be brief." })).EnsureSuccessStatusCode();

        var list = await Host.Client.GetFromJsonAsync<JsonElement>("/api/sessions");
        Assert.Equal([newer, older], list.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!));
        var after = await Host.Client.GetFromJsonAsync<JsonElement>($"/api/sessions/{older}");
        Assert.Equal(before.GetProperty("updatedAt").GetString(), after.GetProperty("updatedAt").GetString());
    }

    [Fact]
    public async Task Delete_Removes204_AndTheFileIsGone()
    {
        var id = await Host.CreateSessionAsync();

        using var response = await Host.Client.DeleteAsync($"/api/sessions/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(File.Exists(Path.Combine(Host.App.StorePath, id + ".json")));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.GetAsync($"/api/sessions/{id}")).StatusCode);
    }

    [Fact]
    public async Task Restore_BringsBackADeletedConversationWithItsMessages_OnceAndOnlyOnce()
    {
        Host.Emulator.Scripts.Enqueue(OllamaEmulator.Scripting.ChatScript.Answer("Kept answer."));
        var id = await Host.CreateSessionAsync();
        await Host.Events((await Host.SendAsync(id, "Keep this")).EventsUrl).ReadToEndAsync();
        using var deleted = await Host.Client.DeleteAsync($"/api/sessions/{id}");
        var listedWhileDeleted = await Host.Client.GetFromJsonAsync<JsonElement>("/api/sessions");

        using var restored = await Host.Client.PostAsync($"/api/sessions/{id}/restore", null);
        using var again = await Host.Client.PostAsync($"/api/sessions/{id}/restore", null);
        using var unknown = await Host.Client.PostAsync($"/api/sessions/{Smail.Sessions.SmailIds.New()}/restore", null);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(listedWhileDeleted.GetProperty("sessions").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var messages = (await Host.GetSessionAsync(id)).GetProperty("messages");
        Assert.Equal(["Keep this", "Kept answer."], messages.EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("session_not_found", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        await StoredFile.WaitUntilAsync(Path.Combine(Host.App.StorePath, id + ".json"), text => text.Contains("Kept answer.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Models_ListsTheUpstreamsModelsWithCapabilities()
    {
        var models = (await Host.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models");

        var qwen = models.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "qwen3:8b");
        Assert.Equal("qwen3", qwen.GetProperty("family").GetString());
        Assert.Contains("thinking", qwen.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Health_ReportsTheUpstreamVersion()
    {
        var health = await Host.Client.GetFromJsonAsync<JsonElement>("/api/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("upstream").GetProperty("reachable").GetBoolean());
        Assert.Equal("0.12.11", health.GetProperty("upstream").GetProperty("version").GetString());
    }

    [Fact]
    public async Task WithTheUpstreamDown_HealthIsDegraded_AndModelsIs503UpstreamUnreachable()
    {
        await using var host = await TestHost.StartAsync(upstream: OllamaClientFactory.RefusingAddress());

        var health = await host.Client.GetFromJsonAsync<JsonElement>("/api/health");
        using var models = await host.Client.GetAsync("/api/models");

        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.False(health.GetProperty("upstream").GetProperty("reachable").GetBoolean());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, models.StatusCode);
        Assert.Equal("upstream_unreachable", (await models.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
