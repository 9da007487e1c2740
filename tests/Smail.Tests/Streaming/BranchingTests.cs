using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>
/// Edits and regenerations grow versions beside what was there, never over it: the conversation shows one path, each
/// message on it lists its versions, and choosing a version shows what was written after it.
/// </summary>
public sealed class BranchingTests : HostedTest
{
    private async Task<(string Session, TestHost.Accepted First, TestHost.Accepted Second)> TwoTurnsAsync()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A1"), ChatScript.Answer("A2"));
        var session = await Host.CreateSessionAsync();
        var first = await Host.SendAsync(session, "Q1");
        await Host.Events(first.EventsUrl).ReadToEndAsync();
        var second = await Host.SendAsync(session, "Q2");
        await Host.Events(second.EventsUrl).ReadToEndAsync();
        return (session, first, second);
    }

    private async Task<TestHost.Accepted> PostAsync(string url, object? body)
    {
        using var response = await Host.Client.PostAsJsonAsync(url, body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<TestHost.Accepted>(JsonSerializerOptions.Web))!;
        await Host.Events(accepted.EventsUrl).ReadToEndAsync();
        return accepted;
    }

    private Task<HttpResponseMessage> SelectAsync(string session, string messageId) =>
        Host.Client.PostAsync($"/api/sessions/{session}/messages/{messageId}/select", null);

    private static List<string?> Texts(JsonElement session) =>
        [.. session.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString())];

    private static List<string?> VersionsOf(JsonElement session, string messageId) =>
        session.GetProperty("siblings").TryGetProperty(messageId, out var ids) ? [.. ids.EnumerateArray().Select(i => i.GetString())] : [];

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

    [Fact]
    public async Task AnEdit_IsANewVersionBesideTheOld_AndChoosingTheOldShowsItsWholeContinuation()
    {
        var (session, first, second) = await TwoTurnsAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A1 edited"));

        var edit = await PostAsync($"/api/sessions/{session}/messages/{first.UserMessageId}/edit", new { content = "Q1, better" });

        var edited = await Host.GetSessionAsync(session);
        Assert.Equal(["Q1, better", "A1 edited"], Texts(edited));
        Assert.Equal([first.UserMessageId, edit.UserMessageId], VersionsOf(edited, edit.UserMessageId));
        Assert.Equal([], VersionsOf(edited, edit.AssistantMessageId));
        // The model was given the edited message alone, not the branch it replaces.
        Assert.Equal(1, Host.Emulator.Requests.Chats[2].Json.GetProperty("messages").GetArrayLength());

        using var back = await SelectAsync(session, first.UserMessageId);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        var old = await back.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["Q1", "A1", "Q2", "A2"], Texts(old));
        Assert.Equal(second.AssistantMessageId, old.GetProperty("messages")[3].GetProperty("id").GetString());
        Assert.Equal(Texts(old), Texts(await Host.GetSessionAsync(session)));

        using var forth = await SelectAsync(session, edit.UserMessageId);
        Assert.Equal(["Q1, better", "A1 edited"], Texts(await forth.Content.ReadFromJsonAsync<JsonElement>()));
    }

    [Fact]
    public async Task AMessageSentAfterChoosingAnOldVersion_GoesOnFromThatVersion_WithOnlyItsPathAsContext()
    {
        var (session, first, _) = await TwoTurnsAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A1 edited"), ChatScript.Answer("A3"));
        await PostAsync($"/api/sessions/{session}/messages/{first.UserMessageId}/edit", new { content = "Q1, better" });
        (await SelectAsync(session, first.AssistantMessageId)).Dispose();

        var third = await PostAsync($"/api/sessions/{session}/messages", new { content = "Q3", parentId = first.AssistantMessageId });

        var shown = await Host.GetSessionAsync(session);
        Assert.Equal(["Q1", "A1", "Q3", "A3"], Texts(shown));
        Assert.Equal(2, VersionsOf(shown, third.UserMessageId).Count); // Q2 and Q3 both follow A1
        var sent = Host.Emulator.Requests.Chats[3].Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString());
        Assert.Equal(["Q1", "A1", "Q3"], sent);
    }

    [Fact]
    public async Task OnlyThePersonsOwnMessages_CanBeEdited_AndAMessageFollowsOnlyAnAnswer()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A1"));
        var session = await Host.CreateSessionAsync();
        var first = await Host.SendAsync(session, "Q1");
        await Host.Events(first.EventsUrl).ReadToEndAsync();
        var before = await Host.GetSessionAsync(session);
        var other = await Host.CreateSessionAsync();

        using var answer = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages/{first.AssistantMessageId}/edit", new { content = "x" });
        using var empty = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages/{first.UserMessageId}/edit", new { content = " " });
        using var afterQuestion = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "x", parentId = first.UserMessageId });
        using var unknownParent = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "x", parentId = "0123456789abcdef0123456789abcdef" });
        using var foreignParent = await Host.Client.PostAsJsonAsync($"/api/sessions/{other}/messages", new { content = "x", parentId = first.AssistantMessageId });

        Assert.Equal("not_a_user_message", await CodeAsync(answer));
        Assert.Equal("empty_content", await CodeAsync(empty));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_parent"), (afterQuestion.StatusCode, await CodeAsync(afterQuestion)));
        Assert.Equal((HttpStatusCode.NotFound, "message_not_found"), (unknownParent.StatusCode, await CodeAsync(unknownParent)));
        Assert.Equal((HttpStatusCode.NotFound, "message_not_found"), (foreignParent.StatusCode, await CodeAsync(foreignParent)));
        Assert.Equal(before.GetRawText(), (await Host.GetSessionAsync(session)).GetRawText());
        Assert.Equal(0, (await Host.GetSessionAsync(other)).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task ChoosingAVersion_OfUnknownIds_OrWhileAnAnswerIsWritten_IsAClearErrorThatChangesNothing()
    {
        var (session, first, _) = await TwoTurnsAsync();
        var before = await Host.GetSessionAsync(session);

        using var unknownMessage = await SelectAsync(session, "0123456789abcdef0123456789abcdef");
        using var unknownSession = await SelectAsync("0123456789abcdef0123456789abcdef", first.UserMessageId);
        Assert.Equal((HttpStatusCode.NotFound, "message_not_found"), (unknownMessage.StatusCode, await CodeAsync(unknownMessage)));
        Assert.Equal((HttpStatusCode.NotFound, "session_not_found"), (unknownSession.StatusCode, await CodeAsync(unknownSession)));

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Repeat(" slow", 50)]).StallAfter(3));
        var running = await Host.SendAsync(session, "Q3");
        await (await Host.Emulator.Requests.WaitForChatAsync(3)).WhenChunksSent(3);
        using var whileRunning = await SelectAsync(session, first.UserMessageId);

        Assert.Equal((HttpStatusCode.Conflict, "generation_in_progress"), (whileRunning.StatusCode, await CodeAsync(whileRunning)));
        Assert.Equal([.. Texts(before), "Q3"], Texts(await Host.GetSessionAsync(session))[..5]);
        using var stop = await Host.Client.PostAsync($"/api/generations/{running.GenerationId}/stop", null);
        await Host.Events(running.EventsUrl).ReadToEndAsync();
    }
}
