namespace Smail.Sessions;

/// <summary>
/// A store Smail needs could not do what was asked: a read-only or full disk, a database, or the Redis that shares
/// live answers, that cannot be reached. Nothing stored before is lost. <see cref="Code"/> is the problem code the
/// API answers with (503).
/// </summary>
internal sealed class StorageException : Exception
{
    /// <summary>The disk refused a write (the JSON store, the journal).</summary>
    public StorageException(string folder, Exception inner)
        : base($"Smail could not write to its conversation store at {folder}: {inner.Message}", inner)
    {
        Code = "storage_unavailable";
        Advice = "Free space or fix the folder's permissions, then try again.";
    }

    private StorageException(string message, string code, string advice, Exception inner) : base(message, inner)
    {
        Code = code;
        Advice = advice;
    }

    public string Code { get; }

    /// <summary>What an operator can do about it.</summary>
    public string Advice { get; }

    /// <summary>Redis (<c>ConnectionStrings:Redis</c>) cannot be reached: new answers wait for it; conversations still read.</summary>
    public static StorageException Redis(Exception inner) =>
        new($"Smail cannot reach Redis, which shares answers between its instances: {inner.Message}", "redis_unavailable",
            "New answers can start again once Redis is back (ConnectionStrings:Redis); conversations can still be read. Smail reconnects by itself.", inner);

    /// <summary>The database could not be reached or refused the statement; <paramref name="where"/> names it without a password.</summary>
    public static StorageException Database(string where, Exception inner) =>
        new($"Smail cannot use its PostgreSQL store at {where}: {inner.Message}", "store_unavailable",
            "Nothing was half-written either. Check that PostgreSQL is running and reachable and has connections to spare (ConnectionStrings:Postgres); Smail reconnects by itself.", inner);
}
