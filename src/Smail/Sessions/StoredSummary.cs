namespace Smail.Sessions;

/// <summary>
/// What the store keeps in memory for every conversation, loaded or not: enough for the list, and whether an
/// answer in it is still marked as streaming (which only a crash leaves on disk).
/// </summary>
internal sealed record StoredSummary(
    string Id, string Title, string? Model, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int MessageCount, bool HasStreaming)
{
    /// <summary>As stored: null for a conversation from before accounts (<see cref="Accounts.Ownership"/>).</summary>
    public string? OwnerId { get; init; }

    public static StoredSummary From(Session session) => new(
        session.Id, session.Title, session.Model, session.CreatedAt, session.UpdatedAt, session.Messages.Count,
        session.Messages.Any(m => m.Status == MessageStatus.Streaming))
    {
        OwnerId = session.OwnerId,
    };
}
