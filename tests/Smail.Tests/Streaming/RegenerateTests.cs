using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

public abstract class RegenerateTests(UpstreamWire wire) : HostedTest(wire)
{
    private async Task<(string Session, TestHost.Accepted First)> AnswerOnceAsync(string answer)
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer(answer));
        var session = await Host.CreateSessionAsync();
        var first = await Host.SendAsync(session, "Tell me a joke");
        await Host.Events(first.EventsUrl).ReadToEndAsync();
        return (session, first);
    }

    private async Task<HttpResponseMessage> RegenerateAsync(string session, string messageId) =>
        await Host.Client.PostAsync($"/api/sessions/{session}/messages/{messageId}/regenerate", null);

    [Fact]
    public async Task Regenerate_WritesANewVersionBesideTheOld_FromTheSameQuestion()
    {
        var (session, first) = await AnswerOnceAsync("Old joke.");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("New ", "joke."));

        using var response = await RegenerateAsync(session, first.AssistantMessageId);
        var accepted = (await response.Content.ReadFromJsonAsync<TestHost.Accepted>(JsonSerializerOptions.Web))!;
        var events = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotEqual(first.AssistantMessageId, accepted.AssistantMessageId);
        Assert.Equal(first.UserMessageId, accepted.UserMessageId);
        Assert.Equal("New joke.", events.AnswerText());
        var shown = await Host.GetSessionAsync(session);
        var messages = shown.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("New joke.", messages[1].GetProperty("content").GetString());
        Assert.Equal(first.UserMessageId, messages[1].GetProperty("parentId").GetString());
        Assert.Equal([first.AssistantMessageId, accepted.AssistantMessageId],
            shown.GetProperty("siblings").GetProperty(accepted.AssistantMessageId).EnumerateArray().Select(i => i.GetString()));
        var sent = Host.Emulator.Requests.Chats[1].Json.GetProperty("messages");
        Assert.Equal(1, sent.GetArrayLength());
        Assert.Equal("Tell me a joke", sent[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task ARegenerationThatFailsBeforeItsFirstToken_LeavesTheOldVersionUntouched()
    {
        var (session, first) = await AnswerOnceAsync("Old joke.");
        // The first attempt and all three retries find the server busy.
        Host.Emulator.Scripts.Enqueue([.. Enumerable.Repeat(ChatScript.Status(503, "server busy, please try again.  maximum pending requests exceeded"), 4)]);

        using var response = await RegenerateAsync(session, first.AssistantMessageId);
        var accepted = (await response.Content.ReadFromJsonAsync<TestHost.Accepted>(JsonSerializerOptions.Web))!;
        var events = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal("upstream_busy", events[^1].Data.GetProperty("code").GetString());
        Assert.Equal("error", (await Host.GetSessionAsync(session)).GetProperty("messages")[1].GetProperty("status").GetString());
        using var back = await Host.Client.PostAsync($"/api/sessions/{session}/messages/{first.AssistantMessageId}/select", null);
        var old = (await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[1];
        Assert.Equal("Old joke.", old.GetProperty("content").GetString());
        Assert.Equal("complete", old.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OnlyAnAnswer_CanBeRegenerated()
    {
        var (session, first) = await AnswerOnceAsync("Old joke.");

        using var userMessage = await RegenerateAsync(session, first.UserMessageId);
        using var unknown = await RegenerateAsync(session, "0123456789abcdef0123456789abcdef");

        Assert.Equal(HttpStatusCode.BadRequest, userMessage.StatusCode);
        Assert.Equal("not_an_answer", (await userMessage.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("message_not_found", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(2, (await Host.GetSessionAsync(session)).GetProperty("messages").GetArrayLength());
    }
}

public sealed class RegenerateTestsOverOllama() : RegenerateTests(UpstreamWire.Ollama);

public sealed class RegenerateTestsOverOpenAi() : RegenerateTests(UpstreamWire.OpenAi);
