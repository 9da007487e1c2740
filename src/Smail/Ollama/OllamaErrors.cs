using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Smail.Ollama;

/// <summary>Turns Ollama's status codes, <c>{"error"}</c> bodies and socket failures into <see cref="UpstreamException"/>s.</summary>
internal static class OllamaErrors
{
    public static async Task<UpstreamException> FromResponseAsync(HttpResponseMessage response, string model, CancellationToken ct)
    {
        var (detail, fromOllama) = await ReadErrorAsync(response, ct);
        var status = (int)response.StatusCode;
        return response.StatusCode switch
        {
            // Only Ollama's own JSON error means the model is missing; a bare 404 means the route is.
            HttpStatusCode.NotFound when fromOllama => new UpstreamException(UpstreamErrorKind.ModelNotFound,
                $"Model '{model}' is not installed. Run `ollama pull {model}`. (Ollama said: {detail})", status),
            HttpStatusCode.NotFound => new UpstreamException(UpstreamErrorKind.RouteMissing,
                $"The upstream has no {response.RequestMessage?.RequestUri?.AbsolutePath} (it answered: {detail}). Is the base URL an Ollama server?", status),
            HttpStatusCode.BadRequest => new UpstreamException(UpstreamErrorKind.BadRequest, $"Ollama rejected the request: {detail}", status),
            HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests => new UpstreamException(UpstreamErrorKind.Busy,
                $"Ollama is busy with other requests: {detail}", status) { RetryAfter = RetryAfterHeader.Read(response) },
            _ => new UpstreamException(UpstreamErrorKind.ServerError, $"Ollama failed with HTTP {status}: {detail}", status),
        };
    }

    public static UpstreamException Unreachable(Uri baseAddress, Exception inner) =>
        new(UpstreamErrorKind.Unreachable,
            $"Cannot reach Ollama at {baseAddress}. Start it with `ollama serve`, or point Smail at it with Ollama:BaseUrl.",
            inner: inner);

    public static UpstreamException FirstByteTimeout(TimeSpan timeout) =>
        new(UpstreamErrorKind.Timeout, $"Ollama did not start answering within {timeout.TotalSeconds:0} s.");

    public static UpstreamException Stalled(TimeSpan timeout) =>
        new(UpstreamErrorKind.Stalled, $"Ollama stopped sending for {timeout.TotalSeconds:0.#} s in the middle of the answer.");

    public static UpstreamException ConnectionLost(Exception inner) =>
        new(UpstreamErrorKind.ConnectionLost, "The connection to Ollama was lost in the middle of the answer.", inner: inner);

    public static UpstreamException StreamError(string message) =>
        new(UpstreamErrorKind.StreamError, $"The model failed while answering: {message}");

    public static UpstreamException Malformed(string line, Exception? inner = null) =>
        new(UpstreamErrorKind.MalformedResponse, $"Ollama sent a line that is not valid JSON: {Shorten(line)}", inner: inner);

    public static UpstreamException Incomplete() =>
        new(UpstreamErrorKind.Incomplete, "Ollama closed the stream before the answer was done.");

    /// <summary>The error's text, and whether it came as Ollama's own <c>{"error"}</c> JSON.</summary>
    private static async Task<(string Detail, bool FromOllama)> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await UpstreamErrorBody.ReadAsync(response, ct);
        try
        {
            if (text is not null && JsonSerializer.Deserialize(text, OllamaJsonContext.Default.OllamaError) is { Error: { } error } && !string.IsNullOrWhiteSpace(error))
            {
                return (error, true);
            }
        }
        catch (JsonException)
        {
            // Not Ollama's JSON: the fallback below.
        }
        return (UpstreamErrorBody.Fallback(response, text), false);
    }

    private static string Shorten(string text) => UpstreamErrorBody.Shorten(text);

    /// <summary>A stream's faults in Ollama's words.</summary>
    public static readonly IStreamFaults StreamFaults = new OllamaStreamFaults();

    private sealed class OllamaStreamFaults : IStreamFaults
    {
        public UpstreamException Stalled(TimeSpan idle) => OllamaErrors.Stalled(idle);

        public UpstreamException ConnectionLost(Exception inner) => OllamaErrors.ConnectionLost(inner);
    }
}
