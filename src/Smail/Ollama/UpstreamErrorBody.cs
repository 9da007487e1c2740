namespace Smail.Ollama;

/// <summary>
/// The body of an upstream's error answer, as both clients read it: at most 64 KiB of it as text, or null when the
/// connection failed before it came. Each client then reads its own error JSON out of it.
/// </summary>
internal static class UpstreamErrorBody
{
    private const int MaxBytes = 64 * 1024;

    public static async Task<string?> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            return System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MaxBytes));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return null;
        }
    }

    /// <summary>What to show when the body is not the server's own JSON (a proxy's HTML page, say): its start, or the reason phrase.</summary>
    public static string Fallback(HttpResponseMessage response, string? text) =>
        string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase ?? "no details" : Shorten(text.Trim());

    public static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

/// <summary>How a client words the two faults of reading a stream, naming its server and the setting to look at.</summary>
internal interface IStreamFaults
{
    UpstreamException Stalled(TimeSpan idle);

    UpstreamException ConnectionLost(Exception inner);
}
