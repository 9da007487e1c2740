using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>An edit destroys nothing: the messages it replaced come back with Undo, exactly, until the conversation goes on.</summary>
public sealed class UndoEditTests : HostedTest
{
    private async Task<(string Session, List<string> Before, TestHost.Accepted First)> TwoTurnsAsync()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A1"), ChatScript.Answer("A2"));
        var session = await Host.CreateSessionAsync();
        var first = await Host.SendAsync(session, "Q1");
        await Host.Events(first.EventsUrl).ReadToEndAsync();
        await Host.Events((await Host.SendAsync(session, "Q2")).EventsUrl).ReadToEndAsync();
        return (session, await MessagesAsync(session), first);
    }

    private async Task<List<string>> MessagesAsync(string session) =>
        [.. (await Host.GetSessionAsync(session)).GetProperty("messages").EnumerateArray()
            .Select(m => $"{m.GetProperty("id").GetString()} {m.GetProperty("role").GetString()} {m.GetProperty("status").GetString()}: {m.GetProperty("content").GetString()}")];

    private async Task<TestHost.Accepted> EditAsync(string session, string messageId, string content)
    {
        using var response = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages/{messageId}/edit", new { content });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TestHost.Accepted>(JsonSerializerOptions.Web))!;
    }

    private Task<HttpResponseMessage> UndoAsync(string session, string messageId) =>
        Host.Client.PostAsync($"/api/sessions/{session}/messages/{messageId}/undo-edit", null);

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

    [Fact]
    public async Task Undo_PutsBackEveryMessageTheEditReplaced_Exactly_AndOnlyOnce()
    {
        var (session, before, first) = await TwoTurnsAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A1 edited"));
        var edit = await EditAsync(session, first.UserMessageId, "Q1, better");
        await Host.Events(edit.EventsUrl).ReadToEndAsync();
        Assert.Equal(2, (await MessagesAsync(session)).Count);

        using var undo = await UndoAsync(session, edit.UserMessageId);
        using var again = await UndoAsync(session, edit.UserMessageId);

        Assert.Equal(HttpStatusCode.OK, undo.StatusCode);
        Assert.Equal(4, (await undo.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages").GetArrayLength());
        Assert.Equal(before, await MessagesAsync(session));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("message_not_found", await CodeAsync(again));
    }

    [Fact]
    public async Task UndoWhileTheNewAnswerStreams_StopsItAtTheUpstream_AndPutsTheOldTurnsBack()
    {
        var (session, before, first) = await TwoTurnsAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Repeat(" slow", 50)]).StallAfter(3));
        var edit = await EditAsync(session, first.UserMessageId, "Q1, better");
        var request = await Host.Emulator.Requests.WaitForChatAsync(3);
        await request.WhenChunksSent(3);

        using var undo = await UndoAsync(session, edit.UserMessageId);
        var events = await Host.Events(edit.EventsUrl).ReadToEndAsync();

        Assert.Equal(HttpStatusCode.OK, undo.StatusCode);
        Assert.Equal(before, await MessagesAsync(session));
        Assert.Equal("stopped", events.Last(e => e.Type == "done").Data.GetProperty("reason").GetString());
        await request.WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(JsonValueKind.Null, (await Host.GetSessionAsync(session)).GetProperty("activeGenerationId").ValueKind);
    }

    [Fact]
    public async Task OnceTheConversationGoesOn_TheEditCannotBeUndone_AndNothingChanges()
    {
        var (session, _, first) = await TwoTurnsAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A1 edited"), ChatScript.Answer("A3"));
        var edit = await EditAsync(session, first.UserMessageId, "Q1, better");
        await Host.Events(edit.EventsUrl).ReadToEndAsync();
        await Host.Events((await Host.SendAsync(session, "Q3")).EventsUrl).ReadToEndAsync();
        var after = await MessagesAsync(session);

        using var undo = await UndoAsync(session, edit.UserMessageId);

        Assert.Equal(HttpStatusCode.Conflict, undo.StatusCode);
        Assert.Equal("nothing_to_undo", await CodeAsync(undo));
        Assert.Equal(after, await MessagesAsync(session));
    }

    [Fact]
    public async Task UndoOfWhatNoEditSent_OrOfUnknownIds_IsAClearErrorThatChangesNothing()
    {
        var (session, before, first) = await TwoTurnsAsync();

        using var notAnEdit = await UndoAsync(session, first.UserMessageId);
        using var unknownMessage = await UndoAsync(session, "m_unknown");
        using var unknownSession = await UndoAsync("s_unknown", first.UserMessageId);

        Assert.Equal((HttpStatusCode.Conflict, "nothing_to_undo"), (notAnEdit.StatusCode, await CodeAsync(notAnEdit)));
        Assert.Equal((HttpStatusCode.NotFound, "message_not_found"), (unknownMessage.StatusCode, await CodeAsync(unknownMessage)));
        Assert.Equal((HttpStatusCode.NotFound, "session_not_found"), (unknownSession.StatusCode, await CodeAsync(unknownSession)));
        Assert.Equal(before, await MessagesAsync(session));
    }
}
