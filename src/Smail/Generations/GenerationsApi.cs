using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Smail.Problems;

namespace Smail.Generations;

internal static class GenerationsApi
{
    public static RouteGroupBuilder MapGenerationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/generations/{id}").WithTags("Generations");

        group.MapGet("/events", Events);
        group.MapPost("/stop", Stop);

        return group;
    }

    /// <summary>
    /// The SSE stream of one generation. Resumes after <c>Last-Event-ID</c> (header, as EventSource sends
    /// it) or <c>?lastEventId=</c>, so a reconnect gets exactly the events it missed.
    /// </summary>
    public static Results<ServerSentEventsResult<string>, ProblemHttpResult> Events(
        string id,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventIdHeader,
        [FromQuery] string? lastEventId,
        GenerationRegistry registry,
        IOptions<GenerationOptions> options,
        HttpContext context)
    {
        var generation = registry.Find(id);
        if (generation is null)
        {
            return ApiProblems.GenerationNotFound(id);
        }
        var resumeText = lastEventIdHeader ?? lastEventId;
        long after = 0;
        if (!string.IsNullOrEmpty(resumeText) && (!long.TryParse(resumeText, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            return ApiProblems.Invalid("invalid_last_event_id", "Last-Event-ID must be a whole number of 0 or more.");
        }
        // Proxies such as nginx buffer responses unless told not to; an SSE stream must pass through as written.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(ToSseItems(generation, after, options.Value.ClientRetryInterval, context.RequestAborted));
    }

    public static Results<Accepted, ProblemHttpResult> Stop(string id, GenerationRegistry registry)
    {
        var generation = registry.Find(id);
        if (generation is null)
        {
            return ApiProblems.GenerationNotFound(id);
        }
        generation.Stop();
        return TypedResults.Accepted((string?)null);
    }

    private static async IAsyncEnumerable<SseItem<string>> ToSseItems(
        Generation generation, long after, TimeSpan retry, [EnumeratorCancellation] CancellationToken ct)
    {
        var first = true;
        await foreach (var item in generation.ReadAllAsync(after, ct))
        {
            yield return new SseItem<string>(item.Data, item.Type)
            {
                EventId = item.Id.ToString(CultureInfo.InvariantCulture),
                ReconnectionInterval = first ? retry : null,
            };
            first = false;
        }
    }
}
