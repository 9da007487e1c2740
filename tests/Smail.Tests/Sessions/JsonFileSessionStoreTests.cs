using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Smail.Sessions;

namespace Smail.Tests.Sessions;

/// <summary>What only the JSON store does (its files, its cache, its summaries read from file prefixes); what every store does is <see cref="SessionStoreContract"/>.</summary>
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
        Assert.Empty((await store.CheckAsync(CancellationToken.None)).Quarantined!);
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
}
