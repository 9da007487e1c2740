namespace Smail.OllamaEmulator.Wire;

/// <summary>
/// How one model server frames a streamed answer. The script player (<see cref="Api.ScriptPlayer"/>) decides
/// what happens, chunk by chunk and fault by fault; the wire decides the bytes: Ollama's NDJSON or the
/// OpenAI-compatible Chat Completions SSE. Every method returns text ready to write, framing included.
/// </summary>
internal interface IChatWire
{
    string ContentType { get; }

    /// <summary>What comes before the first chunk (OpenAI's role-only delta); empty for Ollama.</summary>
    string Start();

    string Chunk(string content, string? thinking);

    /// <summary>An error reported inside a 200 stream, after which the server closes it.</summary>
    string ErrorInStream(string message);

    /// <summary>A line the client cannot parse.</summary>
    string Malformed();

    /// <summary>The end of a complete stream: the reason and the statistics.</summary>
    string End(string doneReason, ChatMetrics metrics);

    /// <summary>A <c>"stream": false</c> answer: one JSON object holding the whole message.</summary>
    string Whole(string content, string thinking, string doneReason, ChatMetrics metrics);
}
