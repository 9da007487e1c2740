namespace Smail.Sessions;

/// <summary>A session file that could not be read, moved aside when it could be, so the rest of the store works.</summary>
internal sealed record QuarantinedFile(string File, string? MovedTo, string Reason);

/// <summary>
/// What the store can tell about itself: where it is, whether it takes writes, what it set aside. Where it is and
/// what it set aside are for signed-in people only (<see cref="ForAnyone"/>).
/// </summary>
internal sealed record StoreHealth(string? Path, bool Writable, IReadOnlyList<QuarantinedFile>? Quarantined)
{
    /// <summary>Which store: <see cref="StorageProviders"/>.</summary>
    public string Provider { get; init; } = StorageProviders.Json;

    /// <summary>The contract's name for whether it works now.</summary>
    public bool Ok => Writable;

    /// <summary>Only which store and whether it works: what a load balancer needs, and nothing of its folder or files.</summary>
    public StoreHealth ForAnyone() => this with { Path = null, Quarantined = null };
}

/// <summary>The contract's <c>Storage:Provider</c> values.</summary>
internal static class StorageProviders
{
    /// <summary>One JSON file per conversation under <c>Storage:Path</c>: the embedded default.</summary>
    public const string Json = "json";

    /// <summary>PostgreSQL at <c>ConnectionStrings:Postgres</c>, shared by any number of instances.</summary>
    public const string Postgres = "postgres";
}
