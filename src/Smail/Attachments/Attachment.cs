namespace Smail.Attachments;

/// <summary>
/// A file uploaded to a conversation (<see cref="Sessions.Session.Attachments"/>), which its messages name by
/// <see cref="Id"/>: the SHA-256 of its bytes, so the same file is stored once. <see cref="Kind"/> says what the model
/// gets: the image itself, or text (a text or code file, or the text of a PDF).
/// </summary>
internal sealed record Attachment(string Id, string Name, string Kind, string MediaType, long Size)
{
    /// <summary>The stored text the model reads: the file itself for a text file, what was extracted from a PDF; null for an image.</summary>
    public string? TextId { get; init; }

    /// <summary>How many characters that text has, so the page can say how much context a file takes.</summary>
    public int? TextLength { get; init; }
}

internal static class AttachmentKinds
{
    public const string Image = "image";
    public const string Text = "text";
}
