using System.ComponentModel.DataAnnotations;

namespace Smail.Attachments;

/// <summary>What a conversation takes as files (<c>Attachments:*</c>).</summary>
internal sealed class AttachmentOptions
{
    public const string Section = "Attachments";

    /// <summary>The largest image, in bytes (Ollama sends it to the model whole).</summary>
    [Range(1, 200L * 1024 * 1024)]
    public long MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The largest text, code or PDF file, in bytes.</summary>
    [Range(1, 200L * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>The most text one file may give the model, in characters (a PDF's extracted text included).</summary>
    [Range(1, 10_000_000)]
    public int MaxTextCharacters { get; set; } = 200_000;

    /// <summary>The most files one message may carry.</summary>
    [Range(1, 100)]
    public int MaxPerMessage { get; set; } = 10;

    /// <summary>The most files one conversation may hold.</summary>
    [Range(1, 10_000)]
    public int MaxPerConversation { get; set; } = 200;

    public long MaxBytes => Math.Max(MaxImageBytes, MaxFileBytes);
}
