using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>
/// A conversation's thinking switch (<c>options.think</c>): a thinking model reasons unless it is <c>false</c>, which
/// Ollama is told as <c>"think": false</c>; the switch is Smail's, never passed on as a model option, and a model that
/// cannot think is told nothing.
/// </summary>
public sealed class ThinkingSwitchTests : HostedTest
{
    private async Task<(JsonElement Sent, string Events)> AskAsync(string model, object? options)
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Paris.").WithThinking("The capital of France."));
        using var create = await Host.Client.PostAsJsonAsync("/api/sessions", new { model, options });
        var id = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var events = await Host.Events((await Host.SendAsync(id, "Capital of France?")).EventsUrl).ReadToEndAsync();
        return (Host.Emulator.Requests.Chats[^1].Json, string.Join("\n", events.Select(e => e.Type)));
    }

    [Fact]
    public async Task AThinkingModel_Reasons_UnlessTheConversationTurnsItOff()
    {
        var (on, onEvents) = await AskAsync("qwen3:8b", null);
        Assert.True(on.GetProperty("think").GetBoolean());
        Assert.Contains("thinking", onEvents, StringComparison.Ordinal);

        var (off, offEvents) = await AskAsync("qwen3:8b", new { think = false, temperature = 0.2 });
        Assert.False(off.GetProperty("think").GetBoolean());
        Assert.DoesNotContain("thinking", offEvents, StringComparison.Ordinal);
        var sentOptions = off.GetProperty("options");
        Assert.False(sentOptions.TryGetProperty("think", out _));
        Assert.Equal(0.2, sentOptions.GetProperty("temperature").GetDouble(), 3);
    }

    [Fact]
    public async Task AModelThatCannotThink_IsToldNothing_WhateverTheSwitch()
    {
        var (sent, _) = await AskAsync("llama3.2", new { think = false });

        Assert.False(sent.TryGetProperty("think", out _));
        Assert.False(sent.TryGetProperty("options", out var options) && options.TryGetProperty("think", out _));
    }
}
