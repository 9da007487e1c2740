using System.Globalization;
using System.Text.Json;

namespace Smail.Transfer;

/// <summary>
/// Lenient reads of an export's fields: a field that is missing or of another type is null, never an exception, since
/// exports from other programs change shape between their versions. Whether what was read makes sense is decided later.
/// </summary>
internal static class JsonReading
{
    public static JsonElement? Property(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static string? String(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static JsonElement? Object(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    public static IEnumerable<JsonElement> Array(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.Array } value ? value.EnumerateArray() : [];

    /// <summary>A time written as ISO 8601 text, or as seconds (or, when it is that large, milliseconds) since 1970.</summary>
    public static DateTimeOffset? Time(this JsonElement element, string name) => element.Property(name) switch
    {
        { ValueKind: JsonValueKind.String } text when DateTimeOffset.TryParse(text.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
        { ValueKind: JsonValueKind.Number } number when number.TryGetDouble(out var seconds) && double.IsFinite(seconds) && Math.Abs(seconds) < 1e14 =>
            DateTimeOffset.UnixEpoch.AddMilliseconds(seconds > 1e11 ? seconds : seconds * 1000),
        _ => null,
    };
}
