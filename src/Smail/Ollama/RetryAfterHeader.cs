namespace Smail.Ollama;

/// <summary>An upstream's <c>Retry-After</c> (seconds or a date), read the same way for every wire.</summary>
internal static class RetryAfterHeader
{
    /// <summary>Longer than this is not a wait but an outage: the answer fails instead of hanging on.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    public static TimeSpan? Read(HttpResponseMessage response, TimeProvider? time = null)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }
        var wait = header.Delta ?? (header.Date is { } date ? date - (time ?? TimeProvider.System).GetUtcNow() : null);
        return wait is { } w && w > TimeSpan.Zero ? w : null;
    }
}
