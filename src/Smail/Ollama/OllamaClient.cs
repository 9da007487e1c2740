using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace Smail.Ollama;

/// <summary>
/// Ollama's native API over a typed HttpClient. Streams are read line by line with the caller's token,
/// and the handler never drains a response on dispose, so cancelling closes the socket at once and
/// Ollama stops generating (see AddOllama).
/// </summary>
internal sealed partial class OllamaClient(HttpClient http, IOptions<OllamaOptions> options, ModelCapabilityCache capabilityCache) : IChatUpstream
{
    private readonly OllamaOptions _options = options.Value;

    public async IAsyncEnumerable<UpstreamChunk> StreamChatAsync(
        UpstreamChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var response = await SendChatAsync(request, deadline, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new UpstreamLineReader(body);
        while (true)
        {
            var (read, line) = await reader.ReadLineAsync(deadline, _options.IdleTimeout, OllamaErrors.StreamFaults, cancellationToken);
            if (!read)
            {
                throw OllamaErrors.Incomplete();
            }
            if (line.IsEmpty)
            {
                continue;
            }
            var chunk = OllamaChunkReader.Read(line.Span);
            if (chunk.Error is not null)
            {
                throw OllamaErrors.StreamError(chunk.Error);
            }
            yield return ToUpstreamChunk(chunk);
            if (chunk.Done)
            {
                yield break;
            }
        }
    }

    private async Task<HttpResponseMessage> SendChatAsync(
        UpstreamChatRequest request, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        var wire = new OllamaChatRequest(
            request.Model,
            [.. request.Messages.Select(m => new OllamaMessage(m.Role, m.Content, m.Thinking) { Images = m.Images?.Select(i => i.Base64).ToList() })],
            Stream: true,
            request.Think,
            request.Options,
            _options.KeepAlive);
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/chat")
        {
            Content = JsonContent.Create(wire, OllamaJsonContext.Default.OllamaChatRequest),
        };
        return await SendStreamingAsync(message, request.Model, deadline, cancellationToken);
    }

    /// <summary>
    /// Sends a request whose answer streams, and returns the response once its headers are in, within the first-byte
    /// deadline (queueing, a model load, a registry's manifest); every failure is an <see cref="UpstreamException"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendStreamingAsync(
        HttpRequestMessage message, string model, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        deadline.CancelAfter(_options.FirstByteTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The deadline fired, or the handler's ConnectTimeout did (then the deadline has not).
            throw deadline.IsCancellationRequested ? OllamaErrors.FirstByteTimeout(_options.FirstByteTimeout) : OllamaErrors.Unreachable(http.BaseAddress!, ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw OllamaErrors.Unreachable(http.BaseAddress!, ex);
        }
        catch (HttpRequestException ex)
        {
            // Connected, then lost before the headers: Ollama crashed or a proxy dropped us.
            throw OllamaErrors.ConnectionLost(ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await OllamaErrors.FromResponseAsync(response, model, cancellationToken);
            }
        }
        return response;
    }

    private static UpstreamChunk ToUpstreamChunk(OllamaChatChunk chunk)
    {
        var content = chunk.Message?.Content ?? "";
        var thinking = string.IsNullOrEmpty(chunk.Message?.Thinking) ? null : chunk.Message.Thinking;
        if (!chunk.Done)
        {
            return new UpstreamChunk(content, thinking);
        }
        var stats = new UpstreamStats(
            chunk.PromptEvalCount,
            chunk.EvalCount,
            FromNanoseconds(chunk.LoadDuration),
            FromNanoseconds(chunk.PromptEvalDuration),
            FromNanoseconds(chunk.EvalDuration),
            FromNanoseconds(chunk.TotalDuration));
        return new UpstreamChunk(content, thinking, Done: true, chunk.DoneReason ?? "stop", stats);
    }

    private static TimeSpan FromNanoseconds(long nanoseconds) => TimeSpan.FromTicks(nanoseconds / 100);
}
