using System.Net;
using System.Text.Json;
using Smail.Ollama;

namespace Smail.OpenAi;

/// <summary>Turns an OpenAI-compatible server's status codes and <c>{"error": {…}}</c> bodies into <see cref="UpstreamException"/>s.</summary>
internal static class OpenAiErrors
{
    public static async Task<UpstreamException> FromResponseAsync(HttpResponseMessage response, string? model, string upstream, CancellationToken ct)
    {
        var (detail, code) = await ReadErrorAsync(response, ct);
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfterHeader.Read(response);
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new UpstreamException(UpstreamErrorKind.Unauthorized,
                $"The upstream '{upstream}' refused Smail's API key (HTTP {status}: {detail}). Set Upstreams:{upstream}:ApiKey to a valid key.", status),
            HttpStatusCode.NotFound when model is not null && (code == "model_not_found" || detail.Contains(model, StringComparison.Ordinal)) =>
                new UpstreamException(UpstreamErrorKind.ModelNotFound, $"The upstream '{upstream}' has no model '{model}' ({detail}).", status),
            HttpStatusCode.NotFound => new UpstreamException(UpstreamErrorKind.RouteMissing,
                $"The upstream '{upstream}' has no {response.RequestMessage?.RequestUri?.AbsolutePath} ({detail}). Does Upstreams:{upstream}:BaseUrl end in /v1?", status),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => new UpstreamException(UpstreamErrorKind.Busy,
                $"The upstream '{upstream}' is busy or rate-limited: {detail}", status) { RetryAfter = retryAfter },
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new UpstreamException(UpstreamErrorKind.BadRequest,
                $"The upstream '{upstream}' rejected the request: {detail}", status),
            _ => new UpstreamException(UpstreamErrorKind.ServerError, $"The upstream '{upstream}' failed with HTTP {status}: {detail}", status),
        };
    }

    public static UpstreamException Unreachable(string upstream, Uri baseAddress, Exception inner) =>
        new(UpstreamErrorKind.Unreachable, $"Cannot reach the upstream '{upstream}' at {baseAddress}. Check Upstreams:{upstream}:BaseUrl.", inner: inner);

    public static UpstreamException FirstByteTimeout(string upstream, TimeSpan timeout) =>
        new(UpstreamErrorKind.Timeout, $"The upstream '{upstream}' did not start answering within {timeout.TotalSeconds:0} s.");

    public static UpstreamException Stalled(string upstream, TimeSpan timeout) =>
        new(UpstreamErrorKind.Stalled, $"The upstream '{upstream}' stopped sending for {timeout.TotalSeconds:0.#} s in the middle of the answer.");

    public static UpstreamException ConnectionLost(string upstream, Exception inner) =>
        new(UpstreamErrorKind.ConnectionLost, $"The connection to the upstream '{upstream}' was lost in the middle of the answer.", inner: inner);

    public static UpstreamException StreamError(string message) =>
        new(UpstreamErrorKind.StreamError, $"The model failed while answering: {message}");

    public static UpstreamException Malformed(string upstream, Exception? inner = null) =>
        new(UpstreamErrorKind.MalformedResponse, $"The upstream '{upstream}' sent a stream event that is not valid JSON.", inner: inner);

    public static UpstreamException Incomplete(string upstream) =>
        new(UpstreamErrorKind.Incomplete, $"The upstream '{upstream}' closed the stream before the answer was done.");

    private static async Task<(string Detail, string? Code)> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await UpstreamErrorBody.ReadAsync(response, ct);
        try
        {
            using var document = text is null ? null : JsonDocument.Parse(text);
            if (document?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                    var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    return (UpstreamErrorBody.Shorten(message ?? error.ToString()), code);
                }
                return (UpstreamErrorBody.Shorten(error.ToString()), null);
            }
        }
        catch (JsonException)
        {
            // Not JSON: the fallback below.
        }
        return (UpstreamErrorBody.Fallback(response, text), null);
    }

    /// <summary>A stream's faults, naming the upstream <paramref name="Upstream"/>.</summary>
    public sealed record StreamFaults(string Upstream) : IStreamFaults
    {
        public UpstreamException Stalled(TimeSpan idle) => OpenAiErrors.Stalled(Upstream, idle);

        public UpstreamException ConnectionLost(Exception inner) => OpenAiErrors.ConnectionLost(Upstream, inner);
    }
}
