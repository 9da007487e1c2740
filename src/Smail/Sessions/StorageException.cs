namespace Smail.Sessions;

/// <summary>The conversation store could not write (a read-only or full disk, say). Nothing stored before is lost.</summary>
internal sealed class StorageException(string folder, Exception inner)
    : Exception($"Smail could not write to its conversation store at {folder}: {inner.Message}", inner);
