namespace Smail.Sessions;

/// <summary>
/// Where conversations live. Summaries of all of them are in memory; a whole conversation is read when it
/// is needed. A write-through change is durable when the returned task completes; a write the disk refuses
/// throws <see cref="StorageException"/> and leaves what was stored before as it was.
/// </summary>
internal interface ISessionStore
{
    /// <summary>Every conversation's summary, most recently active first.</summary>
    Task<IReadOnlyList<StoredSummary>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The summaries of the conversations <paramref name="among"/> whose title or messages contain every word
    /// (case-insensitive); the others are not read.
    /// </summary>
    Task<IReadOnlyList<StoredSummary>> SearchAsync(IReadOnlyList<string> words, Func<StoredSummary, bool> among, CancellationToken cancellationToken);

    /// <summary>One conversation's summary, without reading it; null when there is none.</summary>
    Task<StoredSummary?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The summary of a conversation deleted within the undo window; null when there is none to restore.</summary>
    Task<StoredSummary?> FindDeletedAsync(string id, CancellationToken cancellationToken);

    Task<Session?> GetAsync(string id, CancellationToken cancellationToken);

    Task CreateAsync(Session session, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the current value under that conversation's lock and stores the
    /// result; writes to one conversation never interleave. Returns null when there is no such conversation.
    /// </summary>
    Task<Session?> UpdateAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> in memory only, under the conversation's lock: the caller has made the
    /// change durable in its journal and calls <see cref="SaveLater"/> when the file should catch up.
    /// </summary>
    Task<Session?> StageAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken);

    /// <summary>Writes the conversation's file soon, off the request path; <paramref name="saved"/> runs when it is on the disk.</summary>
    void SaveLater(string id, Action saved);

    /// <summary>Completes once every save asked for so far is on the disk (used at shutdown).</summary>
    Task FlushAsync();

    /// <summary>
    /// Deletes a conversation so that <see cref="RestoreAsync"/> can bring it back within the undo window;
    /// after that its file is removed for good. False when there is no such conversation.
    /// </summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Brings back a conversation deleted within the undo window; null when there is none to restore.</summary>
    Task<Session?> RestoreAsync(string id, CancellationToken cancellationToken);

    /// <summary>Where the store is, whether it can write now, and which unreadable files it set aside.</summary>
    Task<StoreHealth> CheckAsync(CancellationToken cancellationToken);
}
