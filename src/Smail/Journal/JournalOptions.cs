using System.ComponentModel.DataAnnotations;

namespace Smail.Journal;

internal sealed class JournalOptions
{
    public const string Section = "Journal";

    /// <summary>
    /// How often the journal is flushed to the disk (one fsync for everything written meanwhile). Text is
    /// handed to the operating system as soon as it streams, so a killed process loses nothing the OS
    /// had; this bounds what a power cut can take.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>A journal file larger than this is closed and a new one begun; old ones go once all they hold is saved.</summary>
    [Range(1L << 16, 1L << 34)]
    public long SegmentBytes { get; set; } = 32L << 20;
}
