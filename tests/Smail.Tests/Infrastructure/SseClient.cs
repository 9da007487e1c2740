using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Smail.Tests.Infrastructure;

/// <summary>One event as a test sees it: the SSE fields, and the JSON payload parsed.</summary>
public sealed record ReceivedEvent(long Id, string Type, JsonElement Data)
{
    public string Text => Data.GetProperty("text").GetString()!;
}

/// <summary>Reads a generation's stream the way a browser does: over a socket, incrementally, with a real SSE parser.</summary>
public sealed class SseClient(HttpClient client, string eventsUrl)
{
    public async IAsyncEnumerable<ReceivedEvent> ReadAsync(long? lastEventId = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, eventsUrl);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
        {
            yield return new ReceivedEvent(long.Parse(item.EventId!, System.Globalization.CultureInfo.InvariantCulture), item.EventType,
                JsonDocument.Parse(item.Data).RootElement.Clone());
        }
    }

    /// <summary>Reads to the end of the stream (the server closes it after done or error), within a time limit.</summary>
    public async Task<List<ReceivedEvent>> ReadToEndAsync(long? lastEventId = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var events = new List<ReceivedEvent>();
        await foreach (var item in ReadAsync(lastEventId, cts.Token))
        {
            events.Add(item);
        }
        return events;
    }
}

public static class ReceivedEventExtensions
{
    /// <summary>The answer as a client rebuilds it: the deltas, from the last <c>restart</c> on (a restart drops the text before it).</summary>
    public static string AnswerText(this IEnumerable<ReceivedEvent> events) =>
        string.Concat(SinceLastRestart(events).Where(e => e.Type == "delta").Select(e => e.Text));

    public static string ThinkingText(this IEnumerable<ReceivedEvent> events) =>
        string.Concat(SinceLastRestart(events).Where(e => e.Type == "thinking").Select(e => e.Text));

    private static IEnumerable<ReceivedEvent> SinceLastRestart(IEnumerable<ReceivedEvent> events)
    {
        var list = events as IReadOnlyList<ReceivedEvent> ?? [.. events];
        var last = -1;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Type == "restart")
            {
                last = i;
            }
        }
        return list.Skip(last + 1);
    }

    public static IEnumerable<string> States(this IEnumerable<ReceivedEvent> events) =>
        events.Where(e => e.Type == "status").Select(e => e.Data.GetProperty("state").GetString()!);
}
