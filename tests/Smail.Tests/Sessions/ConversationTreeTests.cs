using System.Text.Json;
using Smail.Sessions;

namespace Smail.Tests.Sessions;

public sealed class ConversationTreeTests
{
    /// <summary>A file as Smail wrote it before branching: schema 1, no parents, and the turns the last edit replaced.</summary>
    private const string FileFromBeforeBranching = """
        {
          "ownerId": "local", "id": "0123456789abcdef0123456789abcdef", "title": "Q1", "model": "llama3.2",
          "createdAt": "2026-06-01T10:00:00+00:00", "updatedAt": "2026-06-01T10:05:00+00:00",
          "messageCount": 4, "answerInProgress": false, "systemPrompt": null, "schemaVersion": 1,
          "messages": [
            { "id": "m1", "role": "user", "content": "Q1", "status": "complete", "createdAt": "2026-06-01T10:00:00+00:00" },
            { "id": "m2", "role": "assistant", "content": "A1", "status": "complete", "createdAt": "2026-06-01T10:00:01+00:00" },
            { "id": "m5", "role": "user", "content": "Q2, better", "status": "complete", "createdAt": "2026-06-01T10:04:00+00:00" },
            { "id": "m6", "role": "assistant", "content": "A2 edited", "status": "complete", "createdAt": "2026-06-01T10:04:01+00:00" }
          ],
          "replaced": { "by": "m5", "messages": [
            { "id": "m3", "role": "user", "content": "Q2", "status": "complete", "createdAt": "2026-06-01T10:01:00+00:00" },
            { "id": "m4", "role": "assistant", "content": "A2", "status": "complete", "createdAt": "2026-06-01T10:01:01+00:00" }
          ] }
        }
        """;

    private static Session Read(string json) => JsonSerializer.Deserialize(json, SessionJsonContext.Default.Session)!;

    private static string Texts(IEnumerable<ChatMessage> messages) => string.Join(" / ", messages.Select(m => m.Content));

    [Fact]
    public void AConversationFromBeforeBranching_ShowsWhatItShowed_AndWhatItsLastEditReplacedIsTheOtherVersion()
    {
        var session = Read(FileFromBeforeBranching);

        var view = SessionView.From(session, null);

        Assert.Equal("Q1 / A1 / Q2, better / A2 edited", Texts(view.Messages));
        Assert.Equal(["m3", "m5"], view.Siblings["m5"]);
        Assert.False(view.Siblings.ContainsKey("m1"));
        var tree = new ConversationTree(session);
        Assert.Equal("Q1 / A1 / Q2 / A2", Texts(tree.PathThrough("m3")));
        Assert.Equal("Q1 / A1", Texts(tree.Before("m5")));
    }

    [Fact]
    public void ANewTurn_OnAConversationFromBeforeBranching_LinksItFirst_AndWritesTheCurrentSchema()
    {
        var session = Read(FileFromBeforeBranching);
        var at = DateTimeOffset.Parse("2026-11-26T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var question = new ChatMessage("m7", MessageRoles.User, "Q3", MessageStatus.Complete, at) { ParentId = "m6" };
        var answer = new ChatMessage("m8", MessageRoles.Assistant, "", MessageStatus.Streaming, at) { ParentId = "m7" };

        var after = new NewTurn(question, answer).ApplyTo(session);

        Assert.Equal(Session.CurrentSchemaVersion, after.SchemaVersion);
        Assert.Null(after.Replaced);
        Assert.Equal("m8", after.CurrentId);
        Assert.Equal("Q1 / A1 / Q2, better / A2 edited / Q3 / ", Texts(new ConversationTree(after).Path));
        var written = Read(JsonSerializer.Serialize(after, SessionJsonContext.Default.Session));
        Assert.Equal(Texts(new ConversationTree(after).PathThrough("m3")), Texts(new ConversationTree(written).PathThrough("m3")));
    }

    [Fact]
    public void AParentThatLoopsOrIsMissing_StartsAPath_SoABrokenFileStillShowsEveryMessageOnce()
    {
        var at = DateTimeOffset.UnixEpoch;
        var session = new Session("s", "t", null, null, at, at,
        [
            new ChatMessage("a", MessageRoles.User, "A", MessageStatus.Complete, at) { ParentId = "b" },
            new ChatMessage("b", MessageRoles.Assistant, "B", MessageStatus.Complete, at) { ParentId = "a" },
            new ChatMessage("c", MessageRoles.User, "C", MessageStatus.Complete, at) { ParentId = "gone" },
        ]);

        var tree = new ConversationTree(session);

        Assert.Equal("C", Texts(tree.Path));
        Assert.Equal("A / B", Texts(tree.PathThrough("a")));
        Assert.Equal(["a", "c"], tree.SiblingsOf("c").Select(m => m.Id));
    }
}
