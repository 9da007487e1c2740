namespace Smail.Ollama;

/// <summary>
/// The seam between a generation and the model server. Ollama's native API implements it today; an
/// OpenAI-compatible client can implement it next. Why our own interface and not IChatClient:
/// docs/decisions/0001-upstream-seam.md.
/// </summary>
internal interface IChatUpstream
{
    /// <summary>
    /// Streams one answer. Ends after the chunk with <see cref="UpstreamChunk.Done"/>; every failure,
    /// before or during the stream, is an <see cref="UpstreamException"/>. Cancelling aborts the request.
    /// </summary>
    IAsyncEnumerable<UpstreamChunk> StreamChatAsync(UpstreamChatRequest request, CancellationToken cancellationToken);

    Task<IReadOnlyList<UpstreamModel>> ListModelsAsync(CancellationToken cancellationToken);

    Task<string> GetVersionAsync(CancellationToken cancellationToken);

    /// <summary>The model's capabilities ("completion", "thinking", "tools", …); throws model_not_found.</summary>
    Task<IReadOnlyList<string>> GetCapabilitiesAsync(string model, CancellationToken cancellationToken);

    /// <summary>Whether the model is in memory now, so a slow first byte can honestly be called a model load.</summary>
    Task<bool> IsLoadedAsync(string model, CancellationToken cancellationToken);
}

/// <summary>
/// A message to the model; an assistant message last with <see cref="Thinking"/> or content is continued (prefill).
/// <see cref="Images"/> go to a vision model with the message.
/// </summary>
internal sealed record UpstreamMessage(string Role, string Content, string? Thinking = null)
{
    public IReadOnlyList<UpstreamImage>? Images { get; init; }
}

/// <summary>An image as the model gets it: its bytes in base64, and their type (OpenAI's data URLs name it).</summary>
internal sealed record UpstreamImage(string MediaType, string Base64);

/// <param name="Think">true asks a thinking model to reason, false tells it not to; null says nothing (a model that cannot).</param>
internal sealed record UpstreamChatRequest(
    string Model,
    IReadOnlyList<UpstreamMessage> Messages,
    bool? Think = null,
    IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Options = null);

/// <summary>One line of the answer. The final one (<see cref="Done"/>) carries the stats and may carry text too.</summary>
internal sealed record UpstreamChunk(string Content, string? Thinking, bool Done = false, string? DoneReason = null, UpstreamStats? Stats = null);

internal sealed record UpstreamStats(
    int PromptTokens, int OutputTokens, TimeSpan LoadDuration, TimeSpan PromptEvalDuration, TimeSpan EvalDuration, TimeSpan TotalDuration);

internal sealed record UpstreamModel(string Name, string Family, string ParameterSize, long SizeBytes, IReadOnlyList<string> Capabilities)
{
    /// <summary>What requests send as <c>model</c>: the name itself with one upstream, <c>{upstream}/{name}</c> with several.</summary>
    public string? Id { get; init; }

    /// <summary>The configured upstream the model runs on.</summary>
    public string? Upstream { get; init; }
}

/// <summary>The capabilities Smail acts on, as Ollama's <c>/api/show</c> names them.</summary>
internal static class ModelCapabilities
{
    public const string Completion = "completion";
    public const string Thinking = "thinking";
    public const string Vision = "vision";
}
