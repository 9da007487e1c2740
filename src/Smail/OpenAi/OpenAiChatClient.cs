using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Smail.Ollama;

namespace Smail.OpenAi;

/// <summary>
/// An OpenAI-compatible Chat Completions server (vLLM, llama.cpp's server, LM Studio, LocalAI, SGLang, or a
/// hosted API) behind the same seam as Ollama. Streams are read line by line with the caller's token, on a
/// handler that never drains a response, so cancelling closes the socket and the server stops generating.
/// Our own small client rather than the official package: docs/decisions/0008-openai-client.md.
/// </summary>
internal sealed class OpenAiChatClient(HttpClient http, OpenAiUpstreamOptions options) : IChatUpstream
{
    private static readonly byte[] s_dataPrefix = "data:"u8.ToArray();
    private static readonly byte[] s_done = "[DONE]"u8.ToArray();

    private readonly OpenAiErrors.StreamFaults _faults = new(options.Name);

    /// <summary>A shorter writing time says more about the reads than about the model (as <c>Answer</c> holds for a rate).</summary>
    private static readonly TimeSpan s_minimumTimedWindow = TimeSpan.FromMilliseconds(50);

    public string Name => options.Name;

    public async IAsyncEnumerable<UpstreamChunk> StreamChatAsync(UpstreamChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var response = await SendAsync(request, deadline, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new UpstreamLineReader(body);
        var think = new ThinkTagSplitter();
        string? finishReason = null;
        OpenAiUsage? usage = null;
        long? firstToken = null;
        var outputPieces = 0;
        while (true)
        {
            var (read, line) = await reader.ReadLineAsync(deadline, options.IdleTimeout, _faults, cancellationToken);
            if (!read)
            {
                // The body ended. Without a finish reason the answer was cut off; with one, [DONE] was merely left out.
                if (finishReason is null)
                {
                    throw OpenAiErrors.Incomplete(options.Name);
                }
                break;
            }
            if (!line.Span.StartsWith(s_dataPrefix))
            {
                continue; // Blank lines between events, comments (": keep-alive"), event: and id: fields.
            }
            var data = line.Span[s_dataPrefix.Length..].TrimStart((byte)' ');
            if (data.SequenceEqual(s_done))
            {
                break;
            }
            OpenAiChunk chunk;
            try
            {
                chunk = OpenAiChunk.Read(data);
            }
            catch (JsonException ex)
            {
                throw OpenAiErrors.Malformed(options.Name, ex);
            }
            if (chunk.Error is not null)
            {
                throw OpenAiErrors.StreamError(chunk.Error);
            }
            usage = chunk.Usage ?? usage;
            finishReason = chunk.FinishReason ?? finishReason;
            var (content, inlineThinking) = think.Push(chunk.Content ?? "");
            var thinking = (chunk.Reasoning ?? "") + inlineThinking;
            if (content.Length > 0 || thinking.Length > 0)
            {
                firstToken ??= Stopwatch.GetTimestamp();
                outputPieces++;
                yield return new UpstreamChunk(content, thinking.Length > 0 ? thinking : null);
            }
        }
        var (heldContent, heldThinking) = think.Flush();
        var total = Stopwatch.GetElapsedTime(started);
        var toFirst = firstToken is { } first ? Stopwatch.GetElapsedTime(started, first) : total;
        // The wire tells no generation time, so it is timed here, from the first text to the end. Text read in one
        // burst (this reader was busy, or a proxy buffered) leaves that window too short to time; the whole request's
        // time is then the honest bound, a slower rate than the model's, never a rate of zero.
        var writing = total - toFirst < s_minimumTimedWindow && outputPieces > 1 ? total : total - toFirst;
        var stats = new UpstreamStats(usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? outputPieces,
            TimeSpan.Zero, toFirst, writing, total);
        yield return new UpstreamChunk(heldContent, heldThinking.Length > 0 ? heldThinking : null, Done: true, finishReason ?? "stop", stats);
    }

    public async Task<IReadOnlyList<UpstreamModel>> ListModelsAsync(CancellationToken cancellationToken)
    {
        if (options.Models.Count > 0)
        {
            return [.. options.Models.Select(Describe)];
        }
        using var response = await GetAsync("models", cancellationToken);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new UpstreamException(UpstreamErrorKind.MalformedResponse, $"The upstream '{options.Name}' answered /models without a data list.");
        }
        return [.. data.EnumerateArray().Select(m => m.TryGetProperty("id", out var id) ? id.GetString() : null).OfType<string>().Select(Describe)];
    }

    /// <summary>OpenAI-compatible servers have no version route; a successful model list is the sign of life.</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken)
    {
        if (options.Models.Count == 0)
        {
            using var _ = await GetAsync("models", cancellationToken);
        }
        return "openai-compatible";
    }

    /// <summary>
    /// The API does not say; every model can at least complete, and the ones <c>VisionModels</c> names can see. Thinking
    /// shows when it arrives.
    /// </summary>
    public Task<IReadOnlyList<string>> GetCapabilitiesAsync(string model, CancellationToken cancellationToken) =>
        Task.FromResult(CapabilitiesOf(model));

    private IReadOnlyList<string> CapabilitiesOf(string model) => options.VisionModels.Any(v => v == "*" || v == model)
        ? [ModelCapabilities.Completion, ModelCapabilities.Vision]
        : [ModelCapabilities.Completion];

    /// <summary>
    /// Unknown on this API, so taken as loaded: a slow first byte is reported as connecting, never as a model load
    /// Smail cannot see (the generation announces loading only for a model said to be unloaded).
    /// </summary>
    public Task<bool> IsLoadedAsync(string model, CancellationToken cancellationToken) => Task.FromResult(true);

    private UpstreamModel Describe(string name) => new(name, "", "", 0, CapabilitiesOf(name));

    private async Task<HttpResponseMessage> SendAsync(UpstreamChatRequest request, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(Body(request), System.Text.Encoding.UTF8, "application/json") };
        deadline.CancelAfter(options.FirstByteTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw deadline.IsCancellationRequested
                ? OpenAiErrors.FirstByteTimeout(options.Name, options.FirstByteTimeout)
                : OpenAiErrors.Unreachable(options.Name, http.BaseAddress!, ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw OpenAiErrors.Unreachable(options.Name, http.BaseAddress!, ex);
        }
        catch (HttpRequestException ex)
        {
            throw OpenAiErrors.ConnectionLost(options.Name, ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await OpenAiErrors.FromResponseAsync(response, request.Model, options.Name, cancellationToken);
            }
        }
        return response;
    }

    private async Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(path, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw OpenAiErrors.Unreachable(options.Name, http.BaseAddress!, ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await OpenAiErrors.FromResponseAsync(response, null, options.Name, cancellationToken);
            }
        }
        return response;
    }

    /// <summary>A message's text, or with images its content parts: the text, then each image as a data URL.</summary>
    private static JsonNode ContentOf(UpstreamMessage message) => message.Images is not { Count: > 0 } images
        ? JsonValue.Create(message.Content)
        : new JsonArray([
            new JsonObject { ["type"] = "text", ["text"] = message.Content },
            .. images.Select(i => (JsonNode)new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = $"data:{i.MediaType};base64,{i.Base64}" } }),
        ]);

    /// <summary>
    /// The request body. Options pass through under their OpenAI names; Ollama's names for the same thing are
    /// translated (<c>num_predict</c> is <c>max_tokens</c>). A trailing assistant message is the text to continue.
    /// </summary>
    private string Body(UpstreamChatRequest request)
    {
        var messages = new JsonArray([.. request.Messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = ContentOf(m) })]);
        var body = new JsonObject
        {
            ["model"] = request.Model,
            ["messages"] = messages,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };
        foreach (var (name, value) in request.Options ?? new Dictionary<string, JsonElement>())
        {
            var wireName = name switch
            {
                "num_predict" => "max_tokens",
                "num_ctx" or "keep_alive" => null, // Ollama's own: the server fixes its context length.
                _ => name,
            };
            if (wireName is not null)
            {
                body[wireName] = JsonNode.Parse(value.GetRawText());
            }
        }
        if (options.Continuation == Upstreams.UpstreamContinuation.ContinueFinalMessage && request.Messages.Count > 0 && request.Messages[^1].Role == "assistant")
        {
            // vLLM's way to continue the last message; llama.cpp and LM Studio continue a trailing assistant message anyway.
            body["continue_final_message"] = true;
            body["add_generation_prompt"] = false;
        }
        return body.ToJsonString();
    }
}
