namespace Smail.Attachments;

/// <summary>
/// Where attachments' bytes live, by their SHA-256 (<see cref="Attachment.Id"/>): the same bytes are stored once, and
/// a stored blob never changes. Files beside the JSON store, or a table in PostgreSQL so every instance reads them.
/// Who may read a blob is decided before: the conversation that names it must be the caller's.
/// </summary>
internal interface IAttachmentBlobs
{
    /// <summary>Stores the bytes under their hash; storing bytes already there does nothing. Durable when it completes.</summary>
    Task PutAsync(string hash, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>The bytes; null when there is no such blob.</summary>
    Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken);
}
