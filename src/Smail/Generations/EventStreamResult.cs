using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Smail.Metrics;

namespace Smail.Generations;

/// <summary>
/// A generation's SSE stream from a resume point on. Each event's frame was built once when it was
/// appended, so a listener copies bytes: everything a wake-up finds waiting goes out in one write and one
/// flush. ASP.NET Core's SSE result would format and encode every event again for every listener, and flush
/// after each (docs/decisions/0003-event-frames.md). While the generation is quiet it writes
/// <c>: keep-alive</c> comments, so proxies and browsers keep the connection.
/// </summary>
internal sealed class EventStreamResult(Generation generation, long afterId, GenerationOptions options, SmailMetrics metrics)
    : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext context)
    {
        var body = SseResponse.Start(context);
        var cancellationToken = context.RequestAborted;

        var attachedAt = Stopwatch.GetTimestamp();
        var next = afterId;
        var deliveredEnd = false;
        var lastWrite = Stopwatch.GetTimestamp();
        // One keep-alive timer per quiet interval, not one per event: a wait with a timeout per event cost a
        // tenth of Smail's CPU at 1,000 answers (a timer and a cancellation registration each time).
        Task? keepAliveDue = null;
        metrics.ListenerAttached();
        try
        {
            // The reconnection delay goes with the first frame: a block with only a retry field dispatches nothing.
            body.Write(System.Text.Encoding.ASCII.GetBytes(
                $"retry: {((long)options.ClientRetryInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}\n\n"));
            while (!cancellationToken.IsCancellationRequested)
            {
                var (events, ended) = generation.Read(next);
                if (events.Count > 0 || next == afterId)
                {
                    foreach (var item in events)
                    {
                        body.Write(item.Frame);
                    }
                    var flushed = await body.FlushAsync(cancellationToken);
                    lastWrite = Stopwatch.GetTimestamp();
                    foreach (var item in events)
                    {
                        // Replayed events are not live deliveries.
                        if (item.Type == EventTypes.Delta && item.AppendedAt >= attachedAt)
                        {
                            metrics.ChunkDelivered(Stopwatch.GetElapsedTime(item.AppendedAt, lastWrite));
                        }
                        deliveredEnd = item.IsFinal;
                        next = item.Id;
                    }
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        return;
                    }
                }
                if (ended)
                {
                    return;
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
                    if (!cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(lastWrite) >= options.KeepAliveInterval)
                    {
                        body.Write(SseResponse.KeepAlive);
                        await body.FlushAsync(cancellationToken);
                        lastWrite = Stopwatch.GetTimestamp();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The listener went away: nothing to tell it.
        }
        finally
        {
            metrics.ListenerDetached(beforeEnd: !deliveredEnd);
        }
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));
}
