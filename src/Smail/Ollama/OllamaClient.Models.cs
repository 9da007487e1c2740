using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Smail.Ollama;

// Managing what Ollama has installed: pulling a model from its registry, and deleting one.
internal sealed partial class OllamaClient
{
    /// <summary>
    /// Pulls <paramref name="model"/>, yielding Ollama's progress lines until its <c>success</c>. A registry that has no
    /// such model is <c>model_not_found</c>; a line with an error, or a stream that ends before <c>success</c>, is an
    /// <see cref="UpstreamException"/>. Cancelling aborts the download (Ollama keeps the layers it has, so a later pull resumes).
    /// </summary>
    public async IAsyncEnumerable<OllamaPullProgress> PullAsync(string model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/pull")
        {
            Content = JsonContent.Create(new OllamaPullRequest(model, Stream: true), OllamaJsonContext.Default.OllamaPullRequest),
        };
        using (var response = await SendStreamingAsync(request, model, deadline, cancellationToken))
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var reader = new UpstreamLineReader(body);
            while (true)
            {
                var (read, line) = await ReadPullLineAsync(reader, deadline, model, cancellationToken);
                if (!read)
                {
                    throw new UpstreamException(UpstreamErrorKind.Incomplete, $"Ollama closed the download of '{model}' before it finished. Pull again to resume it.");
                }
                if (line.IsEmpty)
                {
                    continue;
                }
                OllamaPullProgress? progress;
                try
                {
                    progress = JsonSerializer.Deserialize(line.Span, OllamaJsonContext.Default.OllamaPullProgress);
                }
                catch (JsonException ex)
                {
                    throw OllamaErrors.Malformed(System.Text.Encoding.UTF8.GetString(line.Span), ex);
                }
                if (progress is null)
                {
                    continue;
                }
                if (progress.Error is { } error)
                {
                    throw error.Contains("file does not exist", StringComparison.OrdinalIgnoreCase) || error.Contains("not found", StringComparison.OrdinalIgnoreCase)
                        ? new UpstreamException(UpstreamErrorKind.ModelNotFound, $"The registry has no model '{model}'. Check its name on ollama.com/library. (Ollama said: {error})")
                        : new UpstreamException(UpstreamErrorKind.StreamError, $"Pulling '{model}' failed: {error}");
                }
                yield return progress;
                if (progress.Status == "success")
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>One line of a pull; a connection lost or stalled mid-download says so in the download's own words.</summary>
    private async Task<(bool Read, ReadOnlyMemory<byte> Line)> ReadPullLineAsync(
        UpstreamLineReader reader, CancellationTokenSource deadline, string model, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(deadline, _options.IdleTimeout, OllamaErrors.StreamFaults, cancellationToken);
        }
        catch (UpstreamException ex) when (ex.Kind is UpstreamErrorKind.ConnectionLost or UpstreamErrorKind.Stalled)
        {
            throw new UpstreamException(ex.Kind,
                $"The connection to Ollama was lost while pulling '{model}'. Pull again to resume: Ollama keeps what it has downloaded.", inner: ex);
        }
    }

    /// <summary>Deletes an installed model; one that is not installed is <c>model_not_found</c>.</summary>
    public async Task DeleteModelAsync(string model, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Delete, "api/delete")
        {
            Content = JsonContent.Create(new OllamaDeleteRequest(model), OllamaJsonContext.Default.OllamaDeleteRequest),
        };
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw response.StatusCode == HttpStatusCode.NotFound
                    ? new UpstreamException(UpstreamErrorKind.ModelNotFound, $"Model '{model}' is not installed.", 404)
                    : await OllamaErrors.FromResponseAsync(response, model, cancellationToken);
            }
        }
        catch (HttpRequestException ex)
        {
            throw OllamaErrors.Unreachable(http.BaseAddress!, ex);
        }
        capabilityCache.Forget(http.BaseAddress, model);
    }
}
