using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Presets;

/// <summary>
/// Named presets: made, changed and deleted by their owner only; one default at most, which fills in what a new
/// conversation is not given; a preset named at creation fills it in instead; bad input changes nothing.
/// </summary>
public sealed class PresetsTests : HostedTest
{
    private async Task<JsonElement> CreateAsync(object preset, HttpClient? client = null)
    {
        using var response = await (client ?? Host.Client).PostAsJsonAsync("/api/presets", preset);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> NewConversationAsync(object request)
    {
        using var response = await Host.Client.PostAsJsonAsync("/api/sessions", request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement[]> ListAsync(HttpClient? client = null) =>
        [.. (await (client ?? Host.Client).GetFromJsonAsync<JsonElement>("/api/presets")).GetProperty("presets").EnumerateArray()];

    [Fact]
    public async Task TheDefaultPreset_FillsInANewConversation_AndANamedOneDoesInstead()
    {
        var coder = await CreateAsync(new { name = "Coder", systemPrompt = "Answer with code.", model = "qwen3:8b", options = new { temperature = 0.2, think = false }, isDefault = true });
        var poet = await CreateAsync(new { name = "Poet", systemPrompt = "Answer in verse.", options = new { temperature = 1.2 } });

        var plain = await NewConversationAsync(new { });
        Assert.Equal("Answer with code.", plain.GetProperty("systemPrompt").GetString());
        Assert.Equal("qwen3:8b", plain.GetProperty("model").GetString());
        Assert.False(plain.GetProperty("options").GetProperty("think").GetBoolean());

        // What the request gives wins over the preset: the page sends the model its picker shows.
        var withModel = await NewConversationAsync(new { model = "llama3.2" });
        Assert.Equal("llama3.2", withModel.GetProperty("model").GetString());
        Assert.Equal("Answer with code.", withModel.GetProperty("systemPrompt").GetString());

        var verse = await NewConversationAsync(new { presetId = poet.GetProperty("id").GetString(), model = "llama3.2" });
        Assert.Equal("Answer in verse.", verse.GetProperty("systemPrompt").GetString());
        Assert.Equal(1.2, verse.GetProperty("options").GetProperty("temperature").GetDouble(), 3);

        // Making the poet default takes it from the coder.
        using (var patch = await Host.Client.PatchAsJsonAsync($"/api/presets/{poet.GetProperty("id").GetString()}", new { isDefault = true }))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }
        var presets = await ListAsync();
        Assert.Equal(["Coder", "Poet"], presets.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal([false, true], presets.Select(p => p.GetProperty("isDefault").GetBoolean()));
        Assert.Equal("Answer in verse.", (await NewConversationAsync(new { model = "llama3.2" })).GetProperty("systemPrompt").GetString());

        using (var delete = await Host.Client.DeleteAsync($"/api/presets/{coder.GetProperty("id").GetString()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using var again = await Host.Client.DeleteAsync($"/api/presets/{coder.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("preset_not_found", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{\"name\": \"\"}", "invalid_name")]
    [InlineData("{\"systemPrompt\": \"no name\"}", "invalid_name")]
    [InlineData("{\"name\": \"x\", \"model\": \"../../etc\"}", "invalid_model")]
    [InlineData("{\"name\": \"x\", \"options\": {\"temperature\": {\"nested\": 1}}}", "invalid_options")]
    [InlineData("{\"name\": 5}", "malformed_json")]
    public async Task BadInput_IsRefusedWithItsCode_AndStoresNothing(string body, string code)
    {
        using var response = await Host.Client.PostAsync("/api/presets", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task APersonHasAtMost50()
    {
        for (var i = 0; i < 50; i++)
        {
            await CreateAsync(new { name = $"Preset {i}" });
        }

        using var response = await Host.Client.PostAsJsonAsync("/api/presets", new { name = "One more" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("too_many_presets", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnothersPreset_IsNotThere_ForAnyRoute()
    {
        await using var host = await TestHost.StartAsync(Infrastructure.Accounts.LocalMode());
        var ada = host.NewClient();
        await ada.SignUpAsync("ada");
        var bob = host.NewClient();
        await bob.SignUpAsync("bob");
        var adas = await CreateAsync(new { name = "Ada's", systemPrompt = "Secret instructions.", isDefault = true }, ada);
        var id = adas.GetProperty("id").GetString();

        Assert.Empty(await ListAsync(bob));
        using (var patch = await bob.PatchAsJsonAsync($"/api/presets/{id}", new { name = "Mine now" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        }
        using (var delete = await bob.DeleteAsync($"/api/presets/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }
        using (var create = await bob.PostAsJsonAsync("/api/sessions", new { presetId = id }))
        {
            Assert.Equal(HttpStatusCode.NotFound, create.StatusCode);
            Assert.DoesNotContain("Secret", await create.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // Bob's own new conversation is not given Ada's default.
        using var bobs = await bob.PostAsJsonAsync("/api/sessions", new { });
        Assert.False((await bobs.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("systemPrompt", out var prompt) && prompt.ValueKind == JsonValueKind.String);
        Assert.Equal("Ada's", Assert.Single(await ListAsync(ada)).GetProperty("name").GetString());
    }
}
