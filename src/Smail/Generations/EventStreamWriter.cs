using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Smail.Metrics;

namespace Smail.Generations;

/// <summary>
/// Turns a generation's event log into the items TypedResults.ServerSentEvents writes, from a resume
/// point on. While the generation is quiet it writes <c>: keep-alive</c> comments straight to the response:
/// the SSE formatter flushes after every event, so between items the stream is ours to write.
/// </summary>
internal static class EventStreamWriter
{
    private static readonly ReadOnlyMemory<byte> s_keepAlive = ": keep-alive\n\n"u8.ToArray();

    public static async IAsyncEnumerable<SseItem<string>> ReadAsync(
        Generation generation, long afterId, GenerationOptions options, Stream responseBody, SmailMetrics metrics,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var attachedAt = Stopwatch.GetTimestamp();
        var next = afterId;
        var first = true;
        var deliveredEnd = false;
        // One keep-alive timer per quiet interval, not one per event: a wait with a timeout per event cost a
        // tenth of Smail's CPU at 1,000 answers (a timer and a cancellation registration each time).
        var lastWrite = Stopwatch.GetTimestamp();
        Task? keepAliveDue = null;
        metrics.ListenerAttached();
        try
        {
            while (true)
            {
                var (events, ended) = generation.Read(next);
                foreach (var item in events)
                {
                    yield return new SseItem<string>(item.Data, item.Type)
                    {
                        EventId = item.Id.ToString(CultureInfo.InvariantCulture),
                        ReconnectionInterval = first ? options.ClientRetryInterval : null,
                    };
                    // Resumed: the formatter has written and flushed the item. Replayed events are not live deliveries.
                    if (item.Type == EventTypes.Delta && item.AppendedAt >= attachedAt)
                    {
                        metrics.ChunkDelivered(Stopwatch.GetElapsedTime(item.AppendedAt));
                    }
                    deliveredEnd = item.IsFinal;
                    first = false;
                    next = item.Id;
                    lastWrite = Stopwatch.GetTimestamp();
                    // Kestrel accepts writes to a connection the client has closed; stop at once instead.
                    if (cancellationToken.IsCancellationRequested)
                    {
                        yield break;
                    }
                }
                if (ended)
                {
                    yield break;
                }
                var appended = generation.WhenAppendedAfter(next);
                if (appended.IsCompleted)
                {
                    continue;
                }
                keepAliveDue ??= Task.Delay(options.KeepAliveInterval - Stopwatch.GetElapsedTime(lastWrite) is { Ticks: > 0 } rest ? rest : TimeSpan.Zero, cancellationToken);
                if (await Task.WhenAny(appended, keepAliveDue) == keepAliveDue)
                {
                    keepAliveDue = null;
                    cancellationToken.ThrowIfCancellationRequested();
                    if (Stopwatch.GetElapsedTime(lastWrite) >= options.KeepAliveInterval)
                    {
                        await responseBody.WriteAsync(s_keepAlive, cancellationToken);
                        await responseBody.FlushAsync(cancellationToken);
                        lastWrite = Stopwatch.GetTimestamp();
                    }
                }
            }
        }
        finally
        {
            metrics.ListenerDetached(beforeEnd: !deliveredEnd);
        }
    }
}
