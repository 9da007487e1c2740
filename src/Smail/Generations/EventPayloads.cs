using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Smail.Json;

namespace Smail.Generations;

/// <summary>The contract's event payloads, serialized once each with the source-generated context.</summary>
internal static class EventPayloads
{
    public static string Status(string state) => Serialize(new StatusEventData(state), SmailJsonContext.Default.StatusEventData);

    public static string Retrying(int attempt, TimeSpan delay, string reason) => Serialize(
        new StatusEventData(GenerationStates.Retrying) { Attempt = attempt, DelayMs = (int)delay.TotalMilliseconds, Reason = reason },
        SmailJsonContext.Default.StatusEventData);

    public static string Text(string text) => Serialize(new TextEventData(text), SmailJsonContext.Default.TextEventData);

    public static string Done(string reason, DoneStats stats) => Serialize(new DoneEventData(reason, stats), SmailJsonContext.Default.DoneEventData);

    public static string Error(string code, string message, bool retryable) =>
        Serialize(new ErrorEventData(code, message, retryable), SmailJsonContext.Default.ErrorEventData);

    private static string Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);
}
