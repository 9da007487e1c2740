using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Smail.Sessions;

namespace Smail.Tests.Sessions;

public sealed class JsonFileSessionStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smail-store-tests", Guid.NewGuid().ToString("N"));

    private JsonFileSessionStore NewStore(int cached = 256, TimeSpan? undoWindow = null) =>
        new(Options.Create(new StorageOptions { Path = _folder, CachedConversations = cached, UndoWindow = undoWindow ?? TimeSpan.FromSeconds(10) }),
            TimeProvider.System, NullLogger<JsonFileSessionStore>.Instance);

    private static Session NewSession(string title = "Test") =>
        new(SmailIds.New(), title, "llama3.2", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, []);

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task ASavedConversation_IsReadBackByANewStore_AsItWasWritten()
    {
        var session = NewSession("Ünïcødé 🎉") with
        {
            Messages = [new ChatMessage(SmailIds.New(), "user", "Hi \"there\"\n", MessageStatus.Complete, DateTimeOffset.UtcNow)],
        };
        using (var store = NewStore())
        {
            await store.CreateAsync(session, CancellationToken.None);
        }

        using var reopened = NewStore();
        var read = await reopened.GetAsync(session.Id, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(session.Title, read.Title);
        Assert.Equal(session.Messages.Single(), read.Messages.Single());
    }

    [Fact]
    public async Task Writes_LeaveNoTemporaryFilesBehind()
    {
        using var store = NewStore();
        var session = NewSession();
        await store.CreateAsync(session, CancellationToken.None);

        for (var i = 0; i < 20; i++)
        {
            await store.UpdateAsync(session.Id, s => s with { Title = $"Title {i}" }, CancellationToken.None);
        }

        Assert.Equal([session.Id + ".json"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ConcurrentUpdatesToOneConversation_AreSerialized_SoNoneIsLost()
    {
        using var store = NewStore();
        var session = NewSession();
        await store.CreateAsync(session, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() => store.UpdateAsync(session.Id, s => s with
        {
            Messages = s.Messages.Add(new ChatMessage(SmailIds.New(), "user", $"m{i}", MessageStatus.Complete, DateTimeOffset.UtcNow)),
        }, CancellationToken.None))));

        using var reopened = NewStore();
        var read = await reopened.GetAsync(session.Id, CancellationToken.None);
        Assert.Equal(100, read!.Messages.Count);
        Assert.Equal(100, read.Messages.Select(m => m.Content).Distinct().Count());
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("")]
    public async Task IdsThatAreNotOurs_NeverReachTheFileSystem(string id)
    {
        using var store = NewStore();

        Assert.Null(await store.GetAsync(id, CancellationToken.None));
        Assert.Null(await store.UpdateAsync(id, s => s, CancellationToken.None));
        Assert.False(await store.DeleteAsync(id, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(NewSession() with { Id = id }, CancellationToken.None));
    }

    [Fact]
    public async Task AnUnreadableFile_IsSkipped_AndTheOthersStillLoad()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, SmailIds.New() + ".json"), "{\"id\": \"trunc");
        using (var store = NewStore())
        {
            await store.CreateAsync(NewSession("Good"), CancellationToken.None);
        }

        using var reopened = NewStore();
        var all = await reopened.ListAsync(CancellationToken.None);

        Assert.Equal(["Good"], all.Select(s => s.Title));
    }

    [Fact]
    public async Task AFailedChange_LeavesTheStoredConversationAsItWas()
    {
        using var store = NewStore();
        var session = NewSession("Before");
        await store.CreateAsync(session, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.UpdateAsync(session.Id, _ => throw new InvalidOperationException("boom"), CancellationToken.None));

        Assert.Equal("Before", (await store.GetAsync(session.Id, CancellationToken.None))!.Title);
    }

    [Fact]
    public async Task ConversationsBeyondTheCache_AreReadFromDiskWhenOpened_AndStagedOnesAreNeverLost()
    {
        using var store = NewStore(cached: 2);
        var sessions = Enumerable.Range(0, 6).Select(i => NewSession($"c{i}")).ToList();
        foreach (var session in sessions)
        {
            await store.CreateAsync(session, CancellationToken.None);
        }
        var message = new ChatMessage(SmailIds.New(), "user", "staged only", MessageStatus.Complete, DateTimeOffset.UtcNow);
        await store.StageAsync(sessions[0].Id, s => s with { Messages = s.Messages.Add(message) }, CancellationToken.None);

        foreach (var session in sessions.Skip(1))
        {
            Assert.Equal(session.Title, (await store.GetAsync(session.Id, CancellationToken.None))!.Title);
        }

        Assert.Equal("staged only", (await store.GetAsync(sessions[0].Id, CancellationToken.None))!.Messages.Single().Content);
        Assert.Equal(6, (await store.ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Search_FindsWordsInTitlesAndMessages_OfConversationsNotInMemory_AnyCase_AndAccents()
    {
        var match = NewSession("Plans") with
        {
            Messages = [new ChatMessage(SmailIds.New(), "user", "Walk to the Matterhorn, then café <crème>", MessageStatus.Complete, DateTimeOffset.UtcNow)],
        };
        using (var writer = NewStore())
        {
            await writer.CreateAsync(match, CancellationToken.None);
            await writer.CreateAsync(NewSession("Bread"), CancellationToken.None);
        }
        using var store = NewStore(cached: 1);

        Assert.Equal([match.Id], (await store.SearchAsync(["matterhorn"], _ => true, CancellationToken.None)).Select(s => s.Id));
        Assert.Equal([match.Id], (await store.SearchAsync(["CAFÉ", "<crème>"], _ => true, CancellationToken.None)).Select(s => s.Id));
        Assert.Equal([match.Id], (await store.SearchAsync(["plans", "walk"], _ => true, CancellationToken.None)).Select(s => s.Id));
        Assert.Empty(await store.SearchAsync(["matterhorn", "bread"], _ => true, CancellationToken.None));
    }

    [Fact]
    public async Task ADeletedConversation_CanBeRestoredWithinTheUndoWindow_AndIsGoneForGoodAfterIt()
    {
        using var store = NewStore(undoWindow: TimeSpan.FromMilliseconds(300));
        var kept = NewSession("Kept");
        var gone = NewSession("Gone");
        await store.CreateAsync(kept, CancellationToken.None);
        await store.CreateAsync(gone, CancellationToken.None);

        Assert.True(await store.DeleteAsync(kept.Id, CancellationToken.None));
        Assert.Null(await store.GetAsync(kept.Id, CancellationToken.None));
        Assert.Equal("Kept", (await store.RestoreAsync(kept.Id, CancellationToken.None))!.Title);
        Assert.True(await store.DeleteAsync(gone.Id, CancellationToken.None));
        await WaitUntilAsync(() => !File.Exists(Path.Combine(_folder, "deleted", gone.Id + ".json")));

        Assert.Null(await store.RestoreAsync(gone.Id, CancellationToken.None));
        Assert.Equal(["Kept"], (await store.ListAsync(CancellationToken.None)).Select(s => s.Title));
        using var reopened = NewStore();
        Assert.Equal(["Kept"], (await reopened.ListAsync(CancellationToken.None)).Select(s => s.Title));
    }

    [Fact]
    public async Task AFileWithoutTheSummaryFirst_IsSummarizedFromItsMessages()
    {
        Directory.CreateDirectory(_folder);
        var id = SmailIds.New();
        await File.WriteAllTextAsync(Path.Combine(_folder, id + ".json"), $$"""
            { "schemaVersion": 1, "systemPrompt": "{{new string('p', 6000)}}",
              "messages": [
                { "id": "{{SmailIds.New()}}", "role": "user", "content": "Hi, there", "status": "complete", "createdAt": "2026-01-01T00:00:00+00:00" },
                { "id": "{{SmailIds.New()}}", "role": "assistant", "content": "Half", "status": "streaming", "createdAt": "2026-01-01T00:00:00+00:00" }
              ],
              "id": "{{id}}", "title": "Old format", "createdAt": "2026-01-01T00:00:00+00:00", "updatedAt": "2026-01-02T00:00:00+00:00" }
            """);
        using var store = NewStore();

        var listed = await store.ListAsync(CancellationToken.None);
        Assert.Empty((await store.CheckAsync(CancellationToken.None)).Quarantined);
        var summary = Assert.Single(listed);

        Assert.Equal(("Old format", 2, true), (summary.Title, summary.MessageCount, summary.HasStreaming));
    }

    [Fact]
    public async Task AFileSmailWrote_HasItsSummaryInTheFirstFewKilobytes_EvenWithALongSystemPrompt()
    {
        var session = NewSession("Long prompt") with
        {
            SystemPrompt = new string('p', 20_000),
            Messages = [new ChatMessage(SmailIds.New(), "user", "Hi", MessageStatus.Complete, DateTimeOffset.UtcNow)],
        };
        using (var writer = NewStore())
        {
            await writer.CreateAsync(session, CancellationToken.None);
        }
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_folder, session.Id + ".json"));

        var summary = SessionSummaryReader.ReadPrefix(bytes.AsSpan(0, SessionSummaryReader.PrefixBytes), isWholeFile: false);

        Assert.Equal((session.Id, "Long prompt", 1, false), (summary!.Id, summary.Title, summary.MessageCount, summary.HasStreaming));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
