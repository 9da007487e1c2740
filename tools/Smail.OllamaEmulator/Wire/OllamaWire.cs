namespace Smail.OllamaEmulator.Wire;

/// <summary>Ollama's /api/chat: one JSON object per line; the last has <c>done: true</c> and the statistics.</summary>
internal sealed class OllamaWire(string model) : IChatWire
{
    private const string MalformedLine = "{\"model\":\"broken\",\"created_at\":";

    public string ContentType => "application/x-ndjson";

    public string Start() => "";

    public string Chunk(string content, string? thinking) => Line(ChatChunk.Format(model, DateTimeOffset.UtcNow, content, thinking));

    public string ErrorInStream(string message) => Line(GoJson.Error(message));

    public string Malformed() => Line(MalformedLine);

    public string End(string doneReason, ChatMetrics metrics) =>
        Line(ChatChunk.Format(model, DateTimeOffset.UtcNow, "", null, true, doneReason, metrics));

    public string Whole(string content, string thinking, string doneReason, ChatMetrics metrics) =>
        ChatChunk.Format(model, DateTimeOffset.UtcNow, content, thinking, true, doneReason, metrics);

    private static string Line(string json) => json + "\n";
}
