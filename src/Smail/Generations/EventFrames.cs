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
    // Reused per thread: an event's only allocation is its frame. Events are built by their generation's
    // runner, so each thread builds one frame at a time.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_json;

    public static GenerationEvent Status(long id, string state, long appendedAt) =>
        Build(id, EventTypes.Status, new StatusEventData(state), SmailJsonContext.Default.StatusEventData, appendedAt);

    public static GenerationEvent Retrying(long id, int attempt, TimeSpan delay, string reason, long appendedAt) => Build(id, EventTypes.Status,
        new StatusEventData(GenerationStates.Retrying) { Attempt = attempt, DelayMs = (int)delay.TotalMilliseconds, Reason = reason },
        SmailJsonContext.Default.StatusEventData, appendedAt);

    /// <summary>A <c>delta</c> or <c>thinking</c> event.</summary>
    public static GenerationEvent Text(long id, string type, string text, long appendedAt) =>
        Build(id, type, new TextEventData(text), SmailJsonContext.Default.TextEventData, appendedAt);

    public static GenerationEvent Done(long id, string reason, DoneStats stats, long appendedAt) =>
        Build(id, EventTypes.Done, new DoneEventData(reason, stats), SmailJsonContext.Default.DoneEventData, appendedAt);

    public static GenerationEvent Error(long id, string code, string message, bool retryable, long appendedAt) =>
        Build(id, EventTypes.Error, new ErrorEventData(code, message, retryable), SmailJsonContext.Default.ErrorEventData, appendedAt);

    /// <summary>The text of a <c>delta</c> or <c>thinking</c> event, read back from its frame.</summary>
    public static string ReadText(GenerationEvent item) =>
        JsonSerializer.Deserialize(item.Data, SmailJsonContext.Default.TextEventData)?.Text ?? "";

    private static GenerationEvent Build<T>(long id, string type, T payload, JsonTypeInfo<T> info, long appendedAt)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        Append(buffer, "id: "u8);
        id.TryFormat(buffer.GetSpan(20), out var digits, default, CultureInfo.InvariantCulture);
        buffer.Advance(digits);
        Append(buffer, "\nevent: "u8);
        buffer.Advance(Encoding.UTF8.GetBytes(type, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(type.Length))));
        Append(buffer, "\ndata: "u8);
        var dataStart = buffer.WrittenCount;
        // The writer takes the context's encoder, so the bytes are what JsonSerializer.Serialize would give.
        var json = t_json ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = info.Options.Encoder, SkipValidation = true });
        json.Reset(buffer);
        JsonSerializer.Serialize(json, payload, info);
        json.Flush();
        var dataLength = buffer.WrittenCount - dataStart;
        Append(buffer, "\n\n"u8);
        return new GenerationEvent(id, type, appendedAt, buffer.WrittenSpan.ToArray(), dataStart, dataLength);
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);
}
