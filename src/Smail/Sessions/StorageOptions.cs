using System.ComponentModel.DataAnnotations;

namespace Smail.Sessions;

internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><see cref="StorageProviders.Json"/> (the default) or <see cref="StorageProviders.Postgres"/>.</summary>
    [RegularExpression("^(json|postgres)$", ErrorMessage = "Storage:Provider is json or postgres.")]
    public string Provider { get; set; } = StorageProviders.Json;

    /// <summary>The folder of the JSON session store; relative paths are under the working directory.</summary>
    public string Path { get; set; } = "data";

    /// <summary>How long a deleted conversation can be restored (Undo) before its file is removed for good.</summary>
    [Range(typeof(TimeSpan), "00:00:00.05", "1.00:00:00")]
    public TimeSpan UndoWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many whole conversations stay in memory at most; the rest are read from disk when opened. High
    /// enough that a burst of new conversations stays in memory until its first answers are written.
    /// </summary>
    [Range(1, 1_000_000)]
    public int CachedConversations { get; set; } = 4096;

    /// <summary>How much memory (MB, estimated from their text) whole conversations may take at most.</summary>
    [Range(1, 1_000_000)]
    public int CacheMegabytes { get; set; } = 64;
}
