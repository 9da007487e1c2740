using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Smail.Accounts;
using Smail.Metrics;
using Smail.Problems;

namespace Smail.Generations;

internal static class GenerationsApi
{
    public static RouteGroupBuilder MapGenerationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/generations/{id}").WithTags("Generations");

        group.MapGet("/events", EventsAsync);
        group.MapGet("/poll", PollAsync);
        group.MapPost("/stop", StopAsync);

        return group;
    }

    /// <summary>
    /// The SSE stream of one generation, for its conversation's owner only: another user's generation id
    /// answers 404 exactly like one that never existed (LibreChat CVE-2026-31950). Resumes after <c>Last-Event-ID</c> (header, as EventSource sends
    /// it) or <c>?lastEventId=</c>, so a reconnect gets exactly the events it missed.
    /// </summary>
    public static async Task<Results<EventStreamResult, ProblemHttpResult>> EventsAsync(
        string id,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventIdHeader,
        [FromQuery] string? lastEventId,
        SmailUser user,
        Ownership ownership,
        GenerationRegistry registry,
        IOptions<GenerationOptions> options,
        SmailMetrics metrics)
    {
        if (await FindAsync(id, user, ownership, registry) is not { } found)
        {
            return NotFoundOrExpired(id, user, ownership, registry);
        }
        if (!TryParseEventId(lastEventIdHeader ?? lastEventId, out var after))
        {
            return ApiProblems.Invalid("invalid_last_event_id", "Last-Event-ID must be a whole number of 0 or more.");
        }
        if (after > 0)
        {
            metrics.Used(Features.Resume);
        }
        return new EventStreamResult(found, after, options.Value, metrics);
    }

    /// <summary>Long-poll fallback: the events after <c>after</c> as a JSON array, waiting for the first.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PollAsync(
        string id, [FromQuery] string? after, SmailUser user, Ownership ownership, GenerationRegistry registry, IOptions<GenerationOptions> options, SmailMetrics metrics, CancellationToken ct)
    {
        if (await FindAsync(id, user, ownership, registry) is not { } found)
        {
            return NotFoundOrExpired(id, user, ownership, registry);
        }
        if (!TryParseEventId(after, out var afterId))
        {
            return ApiProblems.Invalid("invalid_after", "after must be a whole number of 0 or more: the id of the last event received.");
        }
        if (afterId == 0)
        {
            metrics.Used(Features.LongPoll);
        }
        var body = await LongPoll.ReadAsync(found, afterId, options.Value.PollWait, ct);
        return TypedResults.File(body, "application/json");
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> StopAsync(string id, SmailUser user, Ownership ownership, GenerationRegistry registry, SmailMetrics metrics)
    {
        if (await FindAsync(id, user, ownership, registry) is not { } found)
        {
            return NotFoundOrExpired(id, user, ownership, registry);
        }
        if (!found.IsFinished && !found.StopRequested)
        {
            metrics.Used(Features.Stop);
        }
        found.Stop();
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Generation?> FindAsync(string id, SmailUser user, Ownership ownership, GenerationRegistry registry) =>
        await registry.FindAnywhereAsync(id) is { } found && ownership.Owns(user, found.OwnerId) ? found : null;

    private static ProblemHttpResult NotFoundOrExpired(string id, SmailUser user, Ownership ownership, GenerationRegistry registry) =>
        registry.FindExpired(id) is { } expired && ownership.Owns(user, expired.OwnerId)
            ? ApiProblems.GenerationExpired(id, expired.SessionId, expired.MessageId)
            : ApiProblems.GenerationNotFound(id);

    private static bool TryParseEventId(string? text, out long id)
    {
        id = 0;
        return string.IsNullOrEmpty(text) || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }
}
