namespace Smail.Sessions;

/// <summary>A session file that could not be read, moved aside when it could be, so the rest of the store works.</summary>
internal sealed record QuarantinedFile(string File, string? MovedTo, string Reason);

/// <summary>What the store can tell about itself: where it is, whether it takes writes, what it set aside.</summary>
internal sealed record StoreHealth(string Path, bool Writable, IReadOnlyList<QuarantinedFile> Quarantined);
