using System.Globalization;
using System.Text;

namespace Smail.OllamaEmulator.Wire;

/// <summary>
/// Writes JSON the way Go's encoding/json does, because Ollama is a Go program:
/// compact, fields in struct order, HTML-sensitive characters escaped as \u003c,
/// other non-ASCII left raw. System.Text.Json differs on both escaping points.
/// </summary>
internal static class GoJson
{
    public static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }

    /// <summary>RFC 3339 with up to nanosecond precision and trailing zeros trimmed, like Go's time.RFC3339Nano.</summary>
    public static string Timestamp(DateTimeOffset at)
    {
        var text = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + "Z";
    }

    public static string Error(string message)
    {
        var sb = new StringBuilder("{\"error\":");
        WriteString(sb, message);
        return sb.Append('}').ToString();
    }
}
