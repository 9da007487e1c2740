using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Titles;

/// <summary>
/// After a conversation's first answer the model writes its title, streamed to the owner's pages on the change feed
/// and then stored; a person's title always wins, a conversation gets one model title, and Titles:Enabled=false
/// turns them off.
/// </summary>
public sealed class TitleTests : HostedTest
{
    public override Task InitializeAsync() => InitializeAsync(new Dictionary<string, string?> { ["Titles:Enabled"] = "true" });

    private async Task<string> FirstTurnAsync(ChatScript title, string question = "My sourdough starter smells like nail polish. Is it dead?")
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("No, it is ", "hungry."), title);
        var id = await Host.CreateSessionAsync();
        await Host.Events((await Host.SendAsync(id, question)).EventsUrl).ReadToEndAsync();
        return id;
    }

    private static async Task<JsonElement> FinalTitleAsync(ChangeFeedReader feed, string id)
    {
        while (true)
        {
            var change = await feed.NextAsync("title");
            if (change.GetProperty("id").GetString() == id && change.GetProperty("done").GetBoolean())
            {
                return change;
            }
        }
    }

    [Fact]
    public async Task AfterTheFirstAnswer_TheModelWritesTheTitle_StreamedToThePage_ThenStored()
    {
        await using var feed = new ChangeFeedReader(Host.Client);
        var id = await FirstTurnAsync(ChatScript.Answer("\"Sourdough ", "starter ", "rescue.\""));

        var partial = await feed.NextAsync("title");
        Assert.Equal(id, partial.GetProperty("id").GetString());
        Assert.False(partial.GetProperty("done").GetBoolean());
        Assert.Equal("Sourdough", partial.GetProperty("title").GetString());
        Assert.Equal("Sourdough starter rescue", (await FinalTitleAsync(feed, id)).GetProperty("title").GetString());
        Assert.Equal("Sourdough starter rescue", (await Host.GetSessionAsync(id)).GetProperty("title").GetString());

        // The title request: instructions, then the first turn; no thinking, and a short answer.
        var request = Host.Emulator.Requests.Chats[1].Json;
        var messages = request.GetProperty("messages");
        Assert.Contains("in the language the person wrote in", messages[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Contains("My sourdough starter smells like nail polish", messages[1].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Contains("No, it is hungry.", messages[1].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("llama3.2", request.GetProperty("model").GetString());
        Assert.False(request.TryGetProperty("think", out var think) && think.GetBoolean());
        Assert.Equal(32, request.GetProperty("options").GetProperty("num_predict").GetInt32());
    }

    [Fact]
    public async Task APersonsRename_WhileTheTitleIsBeingWritten_Wins_AndIsNeverReplaced()
    {
        await using var feed = new ChangeFeedReader(Host.Client);
        var release = new TaskCompletionSource();
        var id = await FirstTurnAsync(ChatScript.Answer("Sourdough ", "starter ", "rescue").HoldAfter(1, release.Task));
        Assert.Equal("Sourdough", (await feed.NextAsync("title")).GetProperty("title").GetString());

        using (var rename = await Host.Client.PatchAsJsonAsync($"/api/sessions/{id}", new { title = "Bread" }))
        {
            rename.EnsureSuccessStatusCode();
        }
        release.SetResult();

        Assert.Equal("Bread", (await FinalTitleAsync(feed, id)).GetProperty("title").GetString());
        Assert.Equal("Bread", (await Host.GetSessionAsync(id)).GetProperty("title").GetString());

        // A later turn asks for no title.
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Feed it."));
        await Host.Events((await Host.SendAsync(id, "How often?")).EventsUrl).ReadToEndAsync();
        Assert.Equal(3, Host.Emulator.Requests.Chats.Count);
        Assert.Equal("Bread", (await Host.GetSessionAsync(id)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task ATitledConversation_GetsNoSecondTitle_AfterItsFirstAnswerIsRegenerated()
    {
        await using var feed = new ChangeFeedReader(Host.Client);
        var id = await FirstTurnAsync(ChatScript.Answer("Sourdough starter rescue"));
        await FinalTitleAsync(feed, id);
        var answer = (await Host.GetSessionAsync(id)).GetProperty("messages")[1].GetProperty("id").GetString();

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("It is starving."));
        using var regenerate = await Host.Client.PostAsJsonAsync($"/api/sessions/{id}/messages/{answer}/regenerate", new { });
        var accepted = await regenerate.Content.ReadFromJsonAsync<JsonElement>();
        await Host.Events(accepted.GetProperty("eventsUrl").GetString()!).ReadToEndAsync();

        Assert.Equal(3, Host.Emulator.Requests.Chats.Count);
        Assert.Equal("Sourdough starter rescue", (await Host.GetSessionAsync(id)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task ATitleTheModelFailsToWrite_LeavesTheFirstMessagesWords_AndNoError()
    {
        await using var feed = new ChangeFeedReader(Host.Client);
        var id = await FirstTurnAsync(ChatScript.Status(500, "llama runner process has terminated"), question: "Plan a walk in the Alps");

        Assert.Equal("Plan a walk in the Alps", (await FinalTitleAsync(feed, id)).GetProperty("title").GetString());
        var session = await Host.GetSessionAsync(id);
        Assert.Equal("Plan a walk in the Alps", session.GetProperty("title").GetString());
        Assert.Equal("complete", session.GetProperty("messages")[1].GetProperty("status").GetString());
    }

    [Fact]
    public async Task WithTitlesDisabled_NoTitleIsAskedFor()
    {
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Titles:Enabled"] = "false" });
        host.Emulator.Scripts.Enqueue(ChatScript.Answer("Sure."));
        var id = await host.CreateSessionAsync();

        await host.Events((await host.SendAsync(id, "Plan a walk in the Alps")).EventsUrl).ReadToEndAsync();
        await host.App.Services.GetRequiredService<Smail.Sessions.ISessionStore>().FlushAsync();

        Assert.Single(host.Emulator.Requests.Chats);
        Assert.Equal("Plan a walk in the Alps", (await host.GetSessionAsync(id)).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("\"Sourdough starter rescue.\"", "Sourdough starter rescue")]
    [InlineData("Title: **Rust lifetimes**", "Rust lifetimes")]
    [InlineData("«Randonnée dans les Alpes»", "Randonnée dans les Alpes")]
    [InlineData("Titel: Brot backen!\nHere is why I chose it.", "Brot backen")]
    [InlineData("  \n\n# Sauerteig retten\n", "Sauerteig retten")]
    [InlineData("日本語の会話。", "日本語の会話")]
    [InlineData("", "")]
    public void WhatTheModelWrote_BecomesAPlainTitle(string written, string title) =>
        Assert.Equal(title, Smail.Titles.TitleText.Clean(written));

    [Fact]
    public void ATitleThatRunsOn_IsCutAtAWord()
    {
        var title = Smail.Titles.TitleText.Clean(string.Join(' ', Enumerable.Repeat("sourdough", 20)));

        Assert.True(title.Length <= Smail.Titles.TitleText.MaxLength + 1, title);
        Assert.EndsWith("sourdough…", title, StringComparison.Ordinal);
    }
}
