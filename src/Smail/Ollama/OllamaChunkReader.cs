using System.Text;
using System.Text.Json;

namespace Smail.Ollama;

/// <summary>
/// Reads one line of Ollama's chat stream in place with <see cref="Utf8JsonReader"/>. This is the hottest
/// parse in Smail (once per token per answer): the serializer allocated its read stack for the nested
/// message on every line, a seventh of all allocations at 1,000 answers. Unknown fields are skipped, as
/// the serializer did.
/// </summary>
internal static class OllamaChunkReader
{
    public static OllamaChatChunk Read(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw OllamaErrors.Malformed(Text(line));
            }
            OllamaMessage? message = null;
            bool done = false;
            string? doneReason = null, error = null;
            long totalDuration = 0, loadDuration = 0, promptEvalDuration = 0, evalDuration = 0;
            int promptEvalCount = 0, evalCount = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // ValueTextEquals unescapes, as the serializer did.
                if (reader.ValueTextEquals("message"u8) && reader.Read())
                {
                    message = ReadMessage(ref reader);
                }
                else if (reader.ValueTextEquals("done"u8) && reader.Read())
                {
                    done = reader.GetBoolean();
                }
                else if (reader.ValueTextEquals("done_reason"u8) && reader.Read())
                {
                    doneReason = reader.GetString();
                }
                else if (reader.ValueTextEquals("error"u8) && reader.Read())
                {
                    error = reader.GetString();
                }
                else if (reader.ValueTextEquals("total_duration"u8) && reader.Read())
                {
                    totalDuration = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("load_duration"u8) && reader.Read())
                {
                    loadDuration = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("prompt_eval_count"u8) && reader.Read())
                {
                    promptEvalCount = reader.GetInt32();
                }
                else if (reader.ValueTextEquals("prompt_eval_duration"u8) && reader.Read())
                {
                    promptEvalDuration = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("eval_count"u8) && reader.Read())
                {
                    evalCount = reader.GetInt32();
                }
                else if (reader.ValueTextEquals("eval_duration"u8) && reader.Read())
                {
                    evalDuration = reader.GetInt64();
                }
                else
                {
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw OllamaErrors.Malformed(Text(line));
            }
            return new OllamaChatChunk(message, done, doneReason, totalDuration, loadDuration, promptEvalCount, promptEvalDuration,
                evalCount, evalDuration, error);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // The reader throws InvalidOperationException and FormatException for a value of the wrong type.
            throw OllamaErrors.Malformed(Text(line), ex);
        }
    }

    private static OllamaMessage? ReadMessage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("message is not an object");
        }
        string role = "assistant", content = "";
        string? thinking = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8) && reader.Read())
            {
                content = reader.GetString() ?? "";
            }
            else if (reader.ValueTextEquals("thinking"u8) && reader.Read())
            {
                thinking = reader.GetString();
            }
            else if (reader.ValueTextEquals("role"u8) && reader.Read())
            {
                role = reader.GetString() ?? role;
            }
            else
            {
                reader.Skip();
            }
        }
        return new OllamaMessage(role, content, thinking);
    }

    private static string Text(ReadOnlySpan<byte> line) => Encoding.UTF8.GetString(line);
}
