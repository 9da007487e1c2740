using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Accounts;
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
        group.MapPost("/{id}/restore", RestoreAsync);

        return group;
    }

    /// <summary>Newest first; <c>?q=</c> keeps the conversations whose title or messages contain the words.</summary>
    public static async Task<Ok<SessionList>> ListAsync(string? q, OwnedSessions store, GenerationRegistry generations, CancellationToken ct)
    {
        var words = (q ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sessions = words.Length == 0 ? await store.ListAsync(ct) : await store.SearchAsync(words, ct);
        var running = await generations.RunningIdsAsync([.. sessions.Select(s => s.Id)]);
        return TypedResults.Ok(new SessionList([.. sessions.Select(s => new SessionSummary(
            s.Id, s.Title, s.Model, s.CreatedAt, s.UpdatedAt, s.MessageCount, running.GetValueOrDefault(s.Id)))]));
    }

    public static async Task<Results<Created<SessionView>, ProblemHttpResult>> CreateAsync(
        CreateSessionRequest? request, OwnedSessions store, AccountStore accounts, TimeProvider time, CancellationToken ct)
    {
        request ??= new CreateSessionRequest(null, null, null, null);
        if (SessionValidation.Check(request.Title, request.Model, request.SystemPrompt, request.Options) is { } invalid)
        {
            return ApiProblems.Invalid(invalid.Code, invalid.Detail);
        }
        var preset = Presets.PresetsApi.ForNewConversation(accounts, store.User, request.PresetId);
        if (request.PresetId is not null && preset is null)
        {
            return Presets.PresetsApi.NotFound(request.PresetId);
        }
        var now = time.GetUtcNow();
        var session = new Session(SmailIds.New(), request.Title?.Trim() ?? Session.DefaultTitle, request.Model ?? preset?.Model,
            NullIfEmpty(request.SystemPrompt) ?? preset?.SystemPrompt, now, now, [])
        {
            Options = request.Options ?? preset?.Options,
            TitleSource = request.Title is null ? null : TitleSources.Person,
        };
        session = await store.CreateAsync(session, ct);
        return TypedResults.Created($"/api/sessions/{session.Id}", SessionView.From(session, null));
    }

    public static async Task<Results<Ok<SessionView>, ProblemHttpResult>> GetAsync(
        string id, OwnedSessions store, GenerationRegistry generations, CancellationToken ct)
    {
        var session = await store.GetAsync(id, ct);
        return session is null
            ? ApiProblems.SessionNotFound(id)
            : TypedResults.Ok(SessionView.From(session, await generations.RunningAnywhereAsync(id)));
    }

    public static async Task<Results<Ok<SessionView>, ProblemHttpResult>> UpdateAsync(
        string id, UpdateSessionRequest request, OwnedSessions store, GenerationRegistry generations, CancellationToken ct)
    {
        if (SessionValidation.Check(request.Title, request.Model, request.SystemPrompt, request.Options) is { } invalid)
        {
            return ApiProblems.Invalid(invalid.Code, invalid.Detail);
        }
        // UpdatedAt is the conversation's last activity, which orders the list: renaming or changing a setting
        // is not activity, so the conversation keeps its place.
        var updated = await store.UpdateAsync(id, session => session with
        {
            Title = request.Title?.Trim() ?? session.Title,
            TitleSource = request.Title is null ? session.TitleSource : TitleSources.Person,
            Model = request.Model ?? session.Model,
            SystemPrompt = request.SystemPrompt is null ? session.SystemPrompt : NullIfEmpty(request.SystemPrompt),
            Options = request.Options ?? session.Options,
        }, ct);
        return updated is null
            ? ApiProblems.SessionNotFound(id)
            : TypedResults.Ok(SessionView.From(updated, await generations.RunningAnywhereAsync(id)));
    }

    /// <summary>
    /// Brings back a conversation deleted within the undo window (<c>Storage:UndoWindow</c>), as it was;
    /// after the window it is gone for good: 404.
    /// </summary>
    public static async Task<Results<Ok<SessionView>, ProblemHttpResult>> RestoreAsync(string id, OwnedSessions store, CancellationToken ct)
    {
        var restored = await store.RestoreAsync(id, ct);
        return restored is null ? ApiProblems.SessionNotFound(id) : TypedResults.Ok(SessionView.From(restored, null));
    }

    /// <summary>Deletes now; the file stays restorable for the undo window, so Undo works even from another tab or after a reload.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, OwnedSessions store, GenerationRegistry generations, CancellationToken ct)
    {
        if (!await store.ContainsAsync(id, ct))
        {
            return ApiProblems.SessionNotFound(id);
        }
        // A deleted conversation's answer must not keep the GPU busy.
        (await generations.RunningAnywhereAsync(id))?.Stop();
        return await store.DeleteAsync(id, ct) ? TypedResults.NoContent() : ApiProblems.SessionNotFound(id);
    }

    /// <summary>A text field as stored: blank means none.</summary>
    internal static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
