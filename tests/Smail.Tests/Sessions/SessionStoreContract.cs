using Smail.Sessions;

namespace Smail.Tests.Sessions;

/// <summary>
/// What every conversation store promises, written once and run against each (<see cref="JsonFileSessionStoreContract"/>,
/// <see cref="PostgresSessionStoreContract"/>). "A new store" is another store over the same data: Smail restarted,
/// or another instance.
/// </summary>
public abstract class SessionStoreContract : IAsyncLifetime
{
    private readonly List<ISessionStore> _stores = [];

    /// <summary>A store over this test's data; every call gives a new one over the same data.</summary>
    private protected abstract Task<ISessionStore> OpenStoreAsync(TimeSpan undoWindow);

    private protected async Task<ISessionStore> NewStoreAsync(TimeSpan? undoWindow = null)
    {
        var store = await OpenStoreAsync(undoWindow ?? TimeSpan.FromSeconds(10));
        _stores.Add(store);
        return store;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.FlushAsync();
            (store as IDisposable)?.Dispose();
        }
    }

    private protected static Session NewSession(string title = "Test") =>
        new(SmailIds.New(), title, "llama3.2", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, []);

    private static ChatMessage Message(string content, string role = "user", string status = MessageStatus.Complete) =>
        new(SmailIds.New(), role, content, status, DateTimeOffset.UtcNow);

    [Fact]
    public async Task AConversation_IsReadBackByANewStore_ExactlyAsItWasWritten()
    {
        var session = NewSession("Ünïcødé 🎉") with
        {
            OwnerId = SmailIds.New(),
            SystemPrompt = "Be \"brief\".",
            Options = new Dictionary<string, System.Text.Json.JsonElement> { ["temperature"] = System.Text.Json.JsonDocument.Parse("0.2").RootElement },
            Messages = [Message("Hi \"there\"\n"), Message("Hello", "assistant") with { Model = "llama3.2", Thinking = "hm", RestartedAfter = "upstream_stalled" }],
        };
        var store = await NewStoreAsync();
        await store.CreateAsync(session, CancellationToken.None);

        var read = await (await NewStoreAsync()).GetAsync(session.Id, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal((session.Title, session.SystemPrompt, session.OwnerId, session.Model), (read.Title, read.SystemPrompt, read.OwnerId, read.Model));
        Assert.Equal(session.Messages, read.Messages);
        Assert.Equal(0.2, read.Options!["temperature"].GetDouble());
        var summary = await (await NewStoreAsync()).FindAsync(session.Id, CancellationToken.None);
        Assert.Equal((session.Title, 2, false, session.OwnerId), (summary!.Title, summary.MessageCount, summary.HasStreaming, summary.OwnerId));
    }

    [Fact]
    public async Task Changes_AddReplaceReorderAndRemoveMessages_AsTheChangeSays()
    {
        var store = await NewStoreAsync();
        var (a, b, c) = (Message("a"), Message("b", "assistant", MessageStatus.Streaming), Message("c"));
        var session = NewSession() with { Messages = [a, b] };
        await store.CreateAsync(session, CancellationToken.None);

        await store.UpdateAsync(session.Id, s => s with { Messages = s.Messages.Add(c) }, CancellationToken.None);
        await store.UpdateAsync(session.Id, s => s.ReplaceMessage(s.Messages[1] with { Content = "b, finished", Status = MessageStatus.Complete }, DateTimeOffset.UtcNow),
            CancellationToken.None);
        await store.UpdateAsync(session.Id, s => s with { Messages = [s.Messages[2], s.Messages[0]] }, CancellationToken.None);

        var read = (await (await NewStoreAsync()).GetAsync(session.Id, CancellationToken.None))!;
        Assert.Equal(["c", "a"], read.Messages.Select(m => m.Content));
        await store.UpdateAsync(session.Id, s => s with { Messages = [s.Messages[1], b with { Content = "b again" }, s.Messages[0]] }, CancellationToken.None);
        read = (await (await NewStoreAsync()).GetAsync(session.Id, CancellationToken.None))!;
        Assert.Equal(["a", "b again", "c"], read.Messages.Select(m => m.Content));
        Assert.True((await store.FindAsync(session.Id, CancellationToken.None))!.HasStreaming);
    }

    [Fact]
    public async Task ConcurrentUpdatesToOneConversation_FromTwoStores_AreSerialized_SoNoneIsLost()
    {
        var (first, second) = (await NewStoreAsync(), await NewStoreAsync());
        var session = NewSession("0");
        await first.CreateAsync(session, CancellationToken.None);

        // Two stores over the same data: for PostgreSQL, two instances. A JSON folder has one writer, its process.
        var writers = this is JsonFileSessionStoreContract ? [first] : new[] { first, second };
        // Each change reads and rewrites the same field (a counter in the title) and appends a message: a lost
        // update shows as a count short of 60.
        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() => writers[i % writers.Length].UpdateAsync(session.Id, s => s with
        {
            Title = (int.Parse(s.Title, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Messages = s.Messages.Add(Message($"m{i}")),
        }, CancellationToken.None))));
        await first.FlushAsync();

        var reader = await NewStoreAsync();
        var read = await reader.GetAsync(session.Id, CancellationToken.None);
        Assert.Equal("60", read!.Title);
        Assert.Equal(60, read.Messages.Select(m => m.Content).Distinct().Count());
        Assert.Equal(60, (await reader.FindAsync(session.Id, CancellationToken.None))!.MessageCount);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("x'; DROP TABLE conversations; --")]
    [InlineData("")]
    public async Task IdsThatAreNotOurs_AreRefusedBeforeTheyReachTheStorage(string id)
    {
        var store = await NewStoreAsync();

        Assert.Null(await store.GetAsync(id, CancellationToken.None));
        Assert.Null(await store.FindAsync(id, CancellationToken.None));
        Assert.Null(await store.UpdateAsync(id, s => s, CancellationToken.None));
        Assert.False(await store.DeleteAsync(id, CancellationToken.None));
        Assert.Null(await store.RestoreAsync(id, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(NewSession() with { Id = id }, CancellationToken.None));
    }

    [Fact]
    public async Task AFailedChange_LeavesTheStoredConversationAsItWas()
    {
        var store = await NewStoreAsync();
        var session = NewSession("Before");
        await store.CreateAsync(session, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.UpdateAsync(session.Id, _ => throw new InvalidOperationException("boom"), CancellationToken.None));

        Assert.Equal("Before", (await store.GetAsync(session.Id, CancellationToken.None))!.Title);
        Assert.Equal("Before", (await store.UpdateAsync(session.Id, s => s, CancellationToken.None))!.Title);
    }

    [Fact]
    public async Task AStagedChange_ReachesANewStore_OnceSaved()
    {
        var store = await NewStoreAsync();
        var session = NewSession();
        await store.CreateAsync(session, CancellationToken.None);
        var saved = new TaskCompletionSource();

        await store.StageAsync(session.Id, s => s with { Messages = s.Messages.Add(Message("staged")) }, CancellationToken.None);
        store.SaveLater(session.Id, saved.SetResult);
        await saved.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("staged", (await (await NewStoreAsync()).GetAsync(session.Id, CancellationToken.None))!.Messages.Single().Content);
    }

    [Fact]
    public async Task TheList_IsNewestFirst_WithEachSummary()
    {
        var store = await NewStoreAsync();
        var old = NewSession("Old") with { UpdatedAt = DateTimeOffset.UtcNow.AddHours(-2) };
        var recent = NewSession("Recent") with { Messages = [Message("q"), Message("a", "assistant", MessageStatus.Streaming)] };
        await store.CreateAsync(old, CancellationToken.None);
        await store.CreateAsync(recent, CancellationToken.None);

        var listed = await (await NewStoreAsync()).ListAsync(CancellationToken.None);

        Assert.Equal(["Recent", "Old"], listed.Select(s => s.Title));
        Assert.Equal((2, true), (listed[0].MessageCount, listed[0].HasStreaming));
        Assert.Equal(recent.UpdatedAt, listed[0].UpdatedAt);
    }

    [Fact]
    public async Task Search_FindsEveryWordInTheTitleOrAMessage_InAnyCase_AndAccents_AndTakesNoWordAsAPattern()
    {
        var match = NewSession("Plans") with { Messages = [Message("Walk to the Matterhorn, then café <crème> at 100%_done")] };
        var writer = await NewStoreAsync();
        await writer.CreateAsync(match, CancellationToken.None);
        await writer.CreateAsync(NewSession("Bread"), CancellationToken.None);
        await writer.CreateAsync(NewSession("Percent") with { Messages = [Message("100 percent")] }, CancellationToken.None);
        await writer.FlushAsync();
        var store = await NewStoreAsync();

        Assert.Equal([match.Id], (await store.SearchAsync(["matterhorn"], _ => true, CancellationToken.None)).Select(s => s.Id));
        Assert.Equal([match.Id], (await store.SearchAsync(["CAFÉ", "<crème>"], _ => true, CancellationToken.None)).Select(s => s.Id));
        Assert.Equal([match.Id], (await store.SearchAsync(["plans", "walk"], _ => true, CancellationToken.None)).Select(s => s.Id));
        Assert.Equal([match.Id], (await store.SearchAsync(["100%_"], _ => true, CancellationToken.None)).Select(s => s.Id));
        Assert.Empty(await store.SearchAsync(["matterhorn", "bread"], _ => true, CancellationToken.None));
        Assert.Empty(await store.SearchAsync(["matterhorn"], s => s.Id != match.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ADeletedConversation_CanBeRestoredWithinTheUndoWindow_AndIsGoneForGoodAfterIt()
    {
        // Long enough for the steps within the window on a machine running two suites at once (300 ms was not).
        var store = await NewStoreAsync(TimeSpan.FromSeconds(2));
        var kept = NewSession("Kept");
        var gone = NewSession("Gone");
        await store.CreateAsync(kept, CancellationToken.None);
        await store.CreateAsync(gone, CancellationToken.None);

        Assert.True(await store.DeleteAsync(kept.Id, CancellationToken.None));
        Assert.False(await store.DeleteAsync(kept.Id, CancellationToken.None));
        Assert.Null(await store.GetAsync(kept.Id, CancellationToken.None));
        Assert.Equal("Kept", (await store.FindDeletedAsync(kept.Id, CancellationToken.None))!.Title);
        Assert.Equal("Kept", (await store.RestoreAsync(kept.Id, CancellationToken.None))!.Title);
        Assert.True(await store.DeleteAsync(gone.Id, CancellationToken.None));
        await WaitUntilAsync(async () => await store.FindDeletedAsync(gone.Id, CancellationToken.None) is null);

        Assert.Null(await store.RestoreAsync(gone.Id, CancellationToken.None));
        Assert.Equal(["Kept"], (await store.ListAsync(CancellationToken.None)).Select(s => s.Title));
        await store.FlushAsync();
        Assert.Equal(["Kept"], (await (await NewStoreAsync()).ListAsync(CancellationToken.None)).Select(s => s.Title));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
