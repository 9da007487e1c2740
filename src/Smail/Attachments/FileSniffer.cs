using System.Text;

namespace Smail.Attachments;

/// <summary>
/// What a file is, by its bytes and never by its name or the type its sender claimed: the image formats vision models
/// read (PNG, JPEG, GIF, WebP), PDF, or text (valid UTF-8 without NUL bytes). Anything else is refused. SVG is text
/// here, never an image: served as an image it could run script.
/// </summary>
internal static class FileSniffer
{
    public const string Pdf = "application/pdf";

    private static readonly byte[] s_png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] s_jpeg = [0xFF, 0xD8, 0xFF];

    /// <summary>The file's kind and media type; null when it is none of those Smail takes.</summary>
    public static (string Kind, string MediaType)? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(s_png))
        {
            return (AttachmentKinds.Image, "image/png");
        }
        if (bytes.StartsWith(s_jpeg))
        {
            return (AttachmentKinds.Image, "image/jpeg");
        }
        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return (AttachmentKinds.Image, "image/gif");
        }
        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return (AttachmentKinds.Image, "image/webp");
        }
        if (bytes.StartsWith("%PDF-"u8))
        {
            return (AttachmentKinds.Text, Pdf);
        }
        return IsText(bytes) ? (AttachmentKinds.Text, "text/plain") : null;
    }

    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Valid UTF-8, no NUL, and control characters only where text has them (tabs, line ends, form feeds).</summary>
    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0 || bytes.Contains((byte)0))
        {
            return false;
        }
        try
        {
            s_strict.GetCharCount(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1B))
            {
                return false;
            }
        }
        return true;
    }
}
