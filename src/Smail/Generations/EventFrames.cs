using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Smail.Json;

namespace Smail.Generations;

/// <summary>
/// Builds an event's SSE frame once, when it is appended: <c>id: N</c>, <c>event: type</c>, then the payload
/// serialized with the source-generated context on one <c>data:</c> line (JSON never holds a raw newline).
/// </summary>
internal static class EventFrames
{
    // Reused per thread, so building a frame allocates nothing: the log copies it into its pages at once.
    // Build is synchronous, so each thread builds one frame at a time.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_json;

    /// <summary>
    /// The frame, valid until this thread builds the next one, and where its payload is inside it. Without
    /// an id (the change feed's frames) there is no <c>id:</c> line.
    /// </summary>
    public static ReadOnlySpan<byte> Build<T>(long? id, string type, T payload, JsonTypeInfo<T> info, out int dataStart, out int dataLength)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        if (id is { } number)
        {
            buffer.Write("id: "u8);
            number.TryFormat(buffer.GetSpan(20), out var digits, default, CultureInfo.InvariantCulture);
            buffer.Advance(digits);
            buffer.Write("\n"u8);
        }
        buffer.Write("event: "u8);
        buffer.Advance(Encoding.UTF8.GetBytes(type, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(type.Length))));
        buffer.Write("\ndata: "u8);
        dataStart = buffer.WrittenCount;
        // The writer takes the context's encoder, so the bytes are what JsonSerializer.Serialize would give.
        var json = t_json ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = info.Options.Encoder, SkipValidation = true });
        json.Reset(buffer);
        JsonSerializer.Serialize(json, payload, info);
        json.Flush();
        dataLength = buffer.WrittenCount - dataStart;
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan;
    }

    /// <summary>The frame of an event whose payload is already JSON (an event another instance framed): the same bytes as <see cref="Build{T}"/>.</summary>
    public static ReadOnlySpan<byte> BuildRaw(long id, string type, ReadOnlySpan<byte> json, out int dataStart, out int dataLength)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        buffer.Write("id: "u8);
        id.TryFormat(buffer.GetSpan(20), out var digits, default, CultureInfo.InvariantCulture);
        buffer.Advance(digits);
        buffer.Write("\nevent: "u8);
        buffer.Advance(Encoding.UTF8.GetBytes(type, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(type.Length))));
        buffer.Write("\ndata: "u8);
        dataStart = buffer.WrittenCount;
        buffer.Write(json);
        dataLength = json.Length;
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan;
    }

    /// <summary>The text of a <c>delta</c> or <c>thinking</c> event, read back from its frame.</summary>
    public static string ReadText(GenerationEvent item) =>
        JsonSerializer.Deserialize(item.Data, SmailJsonContext.Default.TextEventData)?.Text ?? "";
}
