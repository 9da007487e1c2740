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
    public async Task Regenerate_ReplacesTheLatestAnswerInPlace_FromTheSameQuestion()
    {
        var (session, first) = await AnswerOnceAsync("Old joke.");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("New ", "joke."));

        using var response = await RegenerateAsync(session, first.AssistantMessageId);
        var accepted = (await response.Content.ReadFromJsonAsync<TestHost.Accepted>(JsonSerializerOptions.Web))!;
        var events = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(first.AssistantMessageId, accepted.AssistantMessageId);
        Assert.Equal("New joke.", events.AnswerText());
        var messages = (await Host.GetSessionAsync(session)).GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("New joke.", messages[1].GetProperty("content").GetString());
        var sent = Host.Emulator.Requests.Chats[1].Json.GetProperty("messages");
        Assert.Equal(1, sent.GetArrayLength());
        Assert.Equal("Tell me a joke", sent[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task TheOldAnswerStays_UntilTheNewOneStartsStreaming()
    {
        var (session, first) = await AnswerOnceAsync("Old joke.");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("New joke.").WithDelays(TimeSpan.FromMilliseconds(800), TimeSpan.Zero));

        using var response = await RegenerateAsync(session, first.AssistantMessageId);
        var during = (await Host.GetSessionAsync(session)).GetProperty("messages")[1];

        Assert.Equal("Old joke.", during.GetProperty("content").GetString());
        Assert.Equal("complete", during.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ARegenerationThatFailsBeforeItsFirstToken_LeavesTheOldAnswerUntouched()
    {
        var (session, first) = await AnswerOnceAsync("Old joke.");
        // The first attempt and all three retries find Ollama busy.
        Host.Emulator.Scripts.Enqueue([.. Enumerable.Repeat(ChatScript.Status(503, "server busy, please try again.  maximum pending requests exceeded"), 4)]);

        using var response = await RegenerateAsync(session, first.AssistantMessageId);
        var accepted = (await response.Content.ReadFromJsonAsync<TestHost.Accepted>(JsonSerializerOptions.Web))!;
        var events = await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal("upstream_busy", events[^1].Data.GetProperty("code").GetString());
        var stored = (await Host.GetSessionAsync(session)).GetProperty("messages")[1];
        Assert.Equal("Old joke.", stored.GetProperty("content").GetString());
        Assert.Equal("complete", stored.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OnlyTheLatestAnswer_CanBeRegenerated()
    {
        var (session, first) = await AnswerOnceAsync("Old joke.");

        using var userMessage = await RegenerateAsync(session, first.UserMessageId);
        using var unknown = await RegenerateAsync(session, "0123456789abcdef0123456789abcdef");

        Assert.Equal(HttpStatusCode.BadRequest, userMessage.StatusCode);
        Assert.Equal("not_latest_answer", (await userMessage.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("message_not_found", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}

public sealed class RegenerateTestsOverOllama() : RegenerateTests(UpstreamWire.Ollama);

public sealed class RegenerateTestsOverOpenAi() : RegenerateTests(UpstreamWire.OpenAi);
