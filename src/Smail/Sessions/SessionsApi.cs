using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Generations;
using Smail.Problems;

namespace Smail.Sessions;

internal static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions").WithTags("Sessions");

        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPatch("/{id}", UpdateAsync);
        group.MapDelete("/{id}", DeleteAsync);

        return group;
    }

    /// <summary>Newest first; <c>?q=</c> keeps the conversations whose title or messages contain the words.</summary>
    public static async Task<Ok<SessionList>> ListAsync(string? q, ISessionStore store, GenerationRegistry generations, CancellationToken ct)
    {
        var sessions = await store.ListAsync(ct);
        var words = (q ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return TypedResults.Ok(new SessionList([.. sessions.Where(s => Matches(s, words)).Select(s => new SessionSummary(
            s.Id, s.Title, s.Model, s.CreatedAt, s.UpdatedAt, s.Messages.Count, generations.RunningIn(s.Id)?.Id))]));
    }

    public static async Task<Results<Created<SessionView>, ProblemHttpResult>> CreateAsync(
        CreateSessionRequest? request, ISessionStore store, TimeProvider time, CancellationToken ct)
    {
        request ??= new CreateSessionRequest(null, null, null, null);
        if (SessionValidation.Check(request.Title, request.Model, request.SystemPrompt, request.Options) is { } invalid)
        {
            return ApiProblems.Invalid(invalid.Code, invalid.Detail);
        }
        var now = time.GetUtcNow();
        var session = new Session(SmailIds.New(), request.Title?.Trim() ?? Session.DefaultTitle, request.Model,
            NullIfEmpty(request.SystemPrompt), now, now, [])
        {
            Options = request.Options,
        };
        await store.CreateAsync(session, ct);
        return TypedResults.Created($"/api/sessions/{session.Id}", SessionView.From(session, null));
    }

    public static async Task<Results<Ok<SessionView>, ProblemHttpResult>> GetAsync(
        string id, ISessionStore store, GenerationRegistry generations, CancellationToken ct)
    {
        var session = await store.GetAsync(id, ct);
        return session is null
            ? ApiProblems.SessionNotFound(id)
            : TypedResults.Ok(SessionView.From(session, generations.RunningIn(id)));
    }

    public static async Task<Results<Ok<SessionView>, ProblemHttpResult>> UpdateAsync(
        string id, UpdateSessionRequest request, ISessionStore store, GenerationRegistry generations, TimeProvider time, CancellationToken ct)
    {
        if (SessionValidation.Check(request.Title, request.Model, request.SystemPrompt, request.Options) is { } invalid)
        {
            return ApiProblems.Invalid(invalid.Code, invalid.Detail);
        }
        var updated = await store.UpdateAsync(id, session => session with
        {
            Title = request.Title?.Trim() ?? session.Title,
            Model = request.Model ?? session.Model,
            SystemPrompt = request.SystemPrompt is null ? session.SystemPrompt : NullIfEmpty(request.SystemPrompt),
            Options = request.Options ?? session.Options,
            UpdatedAt = time.GetUtcNow(),
        }, ct);
        return updated is null
            ? ApiProblems.SessionNotFound(id)
            : TypedResults.Ok(SessionView.From(updated, generations.RunningIn(id)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ISessionStore store, GenerationRegistry generations, CancellationToken ct)
    {
        // A deleted conversation's answer must not keep the GPU busy.
        generations.RunningIn(id)?.Stop();
        return await store.DeleteAsync(id, ct) ? TypedResults.NoContent() : ApiProblems.SessionNotFound(id);
    }

    private static bool Matches(Session session, string[] words) =>
        words.All(word => session.Title.Contains(word, StringComparison.OrdinalIgnoreCase)
            || session.Messages.Any(m => m.Content.Contains(word, StringComparison.OrdinalIgnoreCase)));

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
