using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

public sealed class EditAndResendTests : HostedTest
{
    [Fact]
    public async Task EditingAnEarlierMessage_ContinuesTheConversationFromIt()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A1"), ChatScript.Answer("A2"), ChatScript.Answer("A1 edited"));
        var session = await Host.CreateSessionAsync();
        var first = await Host.SendAsync(session, "Q1");
        await Host.Events(first.EventsUrl).ReadToEndAsync();
        await Host.Events((await Host.SendAsync(session, "Q2")).EventsUrl).ReadToEndAsync();

        using var response = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages/{first.UserMessageId}/edit", new { content = "Q1, better" });
        var accepted = (await response.Content.ReadFromJsonAsync<TestHost.Accepted>(JsonSerializerOptions.Web))!;
        await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var messages = (await Host.GetSessionAsync(session)).GetProperty("messages").EnumerateArray()
            .Select(m => m.GetProperty("content").GetString()).ToList();
        Assert.Equal(["Q1, better", "A1 edited"], messages);
        var sent = Host.Emulator.Requests.Chats[2].Json.GetProperty("messages");
        Assert.Equal(1, sent.GetArrayLength());
    }

    [Fact]
    public async Task OnlyThePersonsOwnMessages_CanBeEdited()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A1"));
        var session = await Host.CreateSessionAsync();
        var first = await Host.SendAsync(session, "Q1");
        await Host.Events(first.EventsUrl).ReadToEndAsync();

        using var answer = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages/{first.AssistantMessageId}/edit", new { content = "x" });
        using var empty = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages/{first.UserMessageId}/edit", new { content = " " });

        Assert.Equal("not_a_user_message", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal("empty_content", (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(2, (await Host.GetSessionAsync(session)).GetProperty("messages").GetArrayLength());
    }
}
