namespace Smail.Attachments;

/// <summary>
/// The one gate a file passes to become an attachment, whether uploaded or imported: what it is by its bytes
/// (<see cref="FileSniffer"/>), the size and text limits of <see cref="AttachmentOptions"/>, and a PDF's text.
/// </summary>
internal static class AttachmentIntake
{
    /// <summary>The attachment these bytes make, with the text the model will read; or why they make none.</summary>
    public static Intake Read(byte[] bytes, string? name, AttachmentOptions limits)
    {
        var fileName = FileNames.Clean(name);
        if (FileSniffer.Sniff(bytes) is not var (kind, mediaType))
        {
            return Intake.Refused(StatusCodes.Status415UnsupportedMediaType, AttachmentsApi.UnsupportedFile,
                $"“{fileName}” is not an image (PNG, JPEG, GIF or WebP), a PDF or a text file, by its content.");
        }
        var limit = kind == AttachmentKinds.Image ? limits.MaxImageBytes : limits.MaxFileBytes;
        if (bytes.Length > limit)
        {
            return Intake.Refused(StatusCodes.Status413PayloadTooLarge, "body_too_large",
                $"“{fileName}” is {Megabytes(bytes.Length)}; {(kind == AttachmentKinds.Image ? "an image" : "a file")} may be {Megabytes(limit)} at most.");
        }
        var attachment = new Attachment(AttachmentIds.Of(bytes), fileName, kind, mediaType, bytes.Length);
        if (kind == AttachmentKinds.Image)
        {
            return new Intake(attachment, bytes, null, 0, null, null);
        }
        string text;
        try
        {
            text = TextExtraction.Extract(bytes, mediaType, limits.MaxTextCharacters);
        }
        catch (UnreadableFile unreadable)
        {
            return Intake.Refused(StatusCodes.Status400BadRequest, "unreadable_file", $"“{fileName}”: {unreadable.Message}");
        }
        if (text.Length > limits.MaxTextCharacters)
        {
            return Intake.Refused(StatusCodes.Status413PayloadTooLarge, "body_too_large",
                $"“{fileName}” has more than {limits.MaxTextCharacters:N0} characters of text, the most one file may give the model.");
        }
        // A text file is its own text; a PDF's text is stored beside it, so no generation parses the PDF again.
        var textBytes = mediaType == FileSniffer.Pdf ? System.Text.Encoding.UTF8.GetBytes(text) : bytes;
        return new Intake(attachment with { TextId = AttachmentIds.Of(textBytes), TextLength = text.Length }, bytes, textBytes, 0, null, null);
    }

    public static string Megabytes(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / 1024.0 / 1024.0:0.#} MB" : $"{Math.Max(1, bytes / 1024)} KB";
}

/// <summary>What <see cref="AttachmentIntake.Read"/> found: an attachment and the blobs to store, or a refusal.</summary>
internal sealed record Intake(Attachment? Attachment, byte[]? Bytes, byte[]? Text, int Status, string? Code, string? Detail)
{
    public static Intake Refused(int status, string code, string detail) => new(null, null, null, status, code, detail);

    /// <summary>Stores the file's blobs (the text too, when it is not the file itself); durable when it completes.</summary>
    public async Task StoreAsync(IAttachmentBlobs blobs, CancellationToken cancellationToken)
    {
        await blobs.PutAsync(Attachment!.Id, Bytes!, cancellationToken);
        if (Text is not null && Attachment.TextId != Attachment.Id)
        {
            await blobs.PutAsync(Attachment.TextId!, Text, cancellationToken);
        }
    }
}
