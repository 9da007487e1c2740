using System.Buffers;
using System.Text.Json;

namespace Smail.Generations;

/// <summary>
/// The fallback for clients that cannot hold an SSE stream: the same events with the same ids, as a
/// JSON array <c>[{id, event, data}]</c>, waiting up to <see cref="GenerationOptions.PollWait"/> for the first.
/// </summary>
internal static class LongPoll
{
    public static async Task<byte[]> ReadAsync(Generation generation, long afterId, TimeSpan wait, CancellationToken cancellationToken)
    {
        await generation.WaitForEventsAsync(afterId, wait, cancellationToken);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in generation.ReadAll(afterId))
            {
                json.WriteStartObject();
                json.WriteNumber("id", item.Id);
                json.WriteString("event", item.Type);
                json.WritePropertyName("data");
                json.WriteRawValue(item.Data, skipInputValidation: true);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
