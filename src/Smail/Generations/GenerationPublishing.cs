using System.Text.Json;
using Smail.Json;

namespace Smail.Generations;

/// <summary>Typed ways to append the contract's events to a generation.</summary>
internal static class GenerationPublishing
{
    public static void PublishStatus(this Generation generation, string state) =>
        generation.Append(EventTypes.Status, Serialize(new StatusEventData(state), SmailJsonContext.Default.StatusEventData));

    public static void PublishRetrying(this Generation generation, int attempt, TimeSpan delay, string reason) =>
        generation.Append(EventTypes.Status, Serialize(
            new StatusEventData(GenerationStates.Retrying) { Attempt = attempt, DelayMs = (int)delay.TotalMilliseconds, Reason = reason },
            SmailJsonContext.Default.StatusEventData));

    public static void PublishThinking(this Generation generation, string text) =>
        generation.Append(EventTypes.Thinking, Serialize(new TextEventData(text), SmailJsonContext.Default.TextEventData));

    public static void PublishDelta(this Generation generation, string text) =>
        generation.Append(EventTypes.Delta, Serialize(new TextEventData(text), SmailJsonContext.Default.TextEventData));

    public static void PublishDone(this Generation generation, string reason, DoneStats stats) =>
        generation.Append(EventTypes.Done, Serialize(new DoneEventData(reason, stats), SmailJsonContext.Default.DoneEventData), final: true);

    public static void PublishError(this Generation generation, string code, string message, bool retryable) =>
        generation.Append(EventTypes.Error, Serialize(new ErrorEventData(code, message, retryable), SmailJsonContext.Default.ErrorEventData), final: true);

    private static string Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Serialize(value, type);
}
