using Smail.Sessions;

namespace Smail.Tests.Sessions;

/// <summary>What stays in memory: bounded by number and by size, least recently used first, never a conversation with unsaved changes.</summary>
public sealed class ConversationCacheTests
{
    private static Session Conversation(string title, int messages = 0, int characters = 0) =>
        new(SmailIds.New(), title, "llama3.2", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
            [.. Enumerable.Range(0, messages).Select(_ => new ChatMessage(SmailIds.New(), "user", new string('x', characters), MessageStatus.Complete, DateTimeOffset.UtcNow))]);

    [Fact]
    public void ABurstOfNewConversations_StaysInMemory_WhileTheyAreSmall()
    {
        var cache = new ConversationCache(capacity: 4096, capacityBytes: 64L << 20);
        var burst = Enumerable.Range(0, 1000).Select(i => Conversation($"c{i}")).ToList();

        foreach (var session in burst)
        {
            cache.Put(session, dirty: false);
        }

        Assert.All(burst, s => Assert.Same(s, cache.Get(s.Id)));
    }

    [Fact]
    public void BeyondTheSizeBudget_TheLeastRecentlyUsedCleanConversationsGo_AndTheirBytesWithThem()
    {
        var big = Conversation("big", messages: 10, characters: 50_000); // about 1 MB as UTF-16
        var budget = 3 * ConversationCache.EstimateBytes(big) + 100;
        var cache = new ConversationCache(capacity: 1000, capacityBytes: budget);
        var unsaved = big with { Id = SmailIds.New() };
        var first = big with { Id = SmailIds.New() };
        var second = big with { Id = SmailIds.New() };
        var third = big with { Id = SmailIds.New() };

        cache.Put(unsaved, dirty: true);
        cache.Put(first, dirty: false);
        cache.Put(second, dirty: false);
        cache.Get(first.Id);
        cache.Put(third, dirty: false);

        Assert.Same(unsaved, cache.Get(unsaved.Id));
        Assert.Same(first, cache.Get(first.Id));
        Assert.Null(cache.Get(second.Id));
        Assert.Same(third, cache.Get(third.Id));
        Assert.Equal(3 * ConversationCache.EstimateBytes(big), cache.Bytes);
        cache.Remove(first.Id);
        Assert.Equal(2 * ConversationCache.EstimateBytes(big), cache.Bytes);
    }

    [Fact]
    public void AConversationLargerThanTheWholeBudget_IsStillKept_WhileItIsTheOneInUse()
    {
        var huge = Conversation("huge", messages: 2, characters: 100_000);
        var cache = new ConversationCache(capacity: 10, capacityBytes: 1000);

        cache.Put(huge, dirty: false);

        Assert.Same(huge, cache.Get(huge.Id));
    }
}
