using System.ComponentModel.DataAnnotations;

namespace Smail.Transfer;

/// <summary>How much one import may hold (<c>Import:*</c>). A ChatGPT export of years of use is tens of megabytes.</summary>
internal sealed class ImportLimits
{
    public const string Section = "Import";

    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    [Range(1, 100_000)]
    public int MaxConversations { get; set; } = 5_000;

    [Range(1, 100_000)]
    public int MaxMessagesPerConversation { get; set; } = 10_000;

    [Range(1000, 10_000_000)]
    public int MaxMessageCharacters { get; set; } = 1_000_000;
}
