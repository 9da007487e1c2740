using System.Text;

namespace Smail.Titles;

/// <summary>
/// What the model wrote, as a title: its first line, without the decoration models add anyway (quotes, a "Title:"
/// label, markdown, a final full stop), at most <see cref="MaxLength"/> characters, cut at a word.
/// </summary>
internal static class TitleText
{
    public const int MaxLength = 80;

    private static readonly string[] s_labels = ["title:", "titre:", "titel:", "título:", "titolo:"];
    private const string Quotes = "\"'“”‘’«»„`*_#";

    public static string Clean(string written)
    {
        var line = written.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        foreach (var label in s_labels)
        {
            if (line.StartsWith(label, StringComparison.OrdinalIgnoreCase))
            {
                line = line[label.Length..];
            }
        }
        line = line.Trim().Trim(Quotes.ToCharArray()).Trim().TrimEnd('.', '!', ';', ':', ',', '。').Trim(Quotes.ToCharArray()).Trim();
        var words = new StringBuilder();
        foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (words.Length + word.Length + 1 > MaxLength)
            {
                return words.Append('…').ToString();
            }
            words.Append(words.Length == 0 ? "" : " ").Append(word);
        }
        return words.Length > MaxLength ? words.ToString()[..(MaxLength - 1)] + "…" : words.ToString();
    }
}
