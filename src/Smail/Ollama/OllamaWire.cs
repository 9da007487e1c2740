using System.Text.Json;
using System.Text.Json.Serialization;

namespace Smail.Ollama;

// Ollama's native JSON, field for field (api/types.go). Only what Smail reads or sends is declared;
// unknown fields are ignored in both directions.

internal sealed record OllamaChatRequest(
    string Model,
    IReadOnlyList<OllamaMessage> Messages,
    bool Stream,
    bool? Think,
    IReadOnlyDictionary<string, JsonElement>? Options,
    string? KeepAlive);

internal sealed record OllamaMessage(string Role, string Content, string? Thinking = null)
{
    /// <summary>Base64 images, for a vision model.</summary>
    public IReadOnlyList<string>? Images { get; init; }
}

internal sealed record OllamaChatChunk(
    OllamaMessage? Message,
    bool Done,
    string? DoneReason,
    long TotalDuration,
    long LoadDuration,
    int PromptEvalCount,
    long PromptEvalDuration,
    int EvalCount,
    long EvalDuration,
    string? Error);

internal sealed record OllamaError(string? Error);

internal sealed record OllamaVersion(string Version);

internal sealed record OllamaModelDetails(string? Family, string? ParameterSize, string? QuantizationLevel);

internal sealed record OllamaModelEntry(string Name, string? Model, long Size, string? Digest, OllamaModelDetails? Details);

internal sealed record OllamaModelList(IReadOnlyList<OllamaModelEntry> Models);

internal sealed record OllamaShowRequest(string Model);

internal sealed record OllamaShowResponse(IReadOnlyList<string>? Capabilities, OllamaModelDetails? Details);

internal sealed record OllamaPullRequest(string Model, bool Stream);

/// <summary>One line of /api/pull: a status, and for a layer being downloaded its digest and bytes.</summary>
internal sealed record OllamaPullProgress(string? Status, string? Digest, long? Total, long? Completed, string? Error);

internal sealed record OllamaDeleteRequest(string Model);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OllamaChatRequest))]
[JsonSerializable(typeof(OllamaChatChunk))]
[JsonSerializable(typeof(OllamaError))]
[JsonSerializable(typeof(OllamaVersion))]
[JsonSerializable(typeof(OllamaModelList))]
[JsonSerializable(typeof(OllamaShowRequest))]
[JsonSerializable(typeof(OllamaShowResponse))]
[JsonSerializable(typeof(OllamaPullRequest))]
[JsonSerializable(typeof(OllamaPullProgress))]
[JsonSerializable(typeof(OllamaDeleteRequest))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext;
