using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace Smail.Attachments;

/// <summary>The text a model reads from a file: a text file as it is, a PDF's text through PdfPig, page by page.</summary>
internal static class TextExtraction
{
    /// <summary>
    /// The file's text; <see cref="UnreadableFile"/> when a PDF cannot be read (broken, encrypted) or has no text (a scan).
    /// </summary>
    public static string Extract(byte[] bytes, string mediaType, int maxCharacters) =>
        mediaType == FileSniffer.Pdf ? PdfText(bytes, maxCharacters) : Encoding.UTF8.GetString(bytes);

    private static string PdfText(byte[] bytes, int maxCharacters)
    {
        var text = new StringBuilder();
        try
        {
            using var document = PdfDocument.Open(bytes);
            foreach (var page in document.GetPages())
            {
                var words = ContentOrderTextExtractor.GetText(page).Trim();
                if (words.Length > 0)
                {
                    text.Append("--- page ").Append(page.Number).AppendLine(" ---").AppendLine(words).AppendLine();
                }
                if (text.Length > maxCharacters)
                {
                    break; // the caller refuses it: no need to read the rest
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // PdfPig throws many kinds for a broken or encrypted file; all mean the same to the person who sent it.
            throw new UnreadableFile($"This PDF cannot be read ({ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}): it may be damaged or encrypted.");
        }
        if (text.Length == 0)
        {
            throw new UnreadableFile("This PDF has no text to read (a scan holds only pictures of its pages).");
        }
        return text.ToString().TrimEnd();
    }
}

/// <summary>Why a file's text could not be read, in words for the person who sent it.</summary>
internal sealed class UnreadableFile(string reason) : Exception(reason);
