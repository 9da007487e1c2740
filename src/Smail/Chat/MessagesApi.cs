using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Smail.Accounts;
using Smail.Generations;
using Smail.Metrics;
using Smail.Problems;
using Smail.Sessions;
using Smail.Upstreams;

namespace Smail.Chat;

/// <summary>Asking: store the message, claim the conversation, start the answer, say where it streams.</summary>
internal static class MessagesApi
{
    public static RouteGroupBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions/{id}/messages").WithTags("Chat");

        group.MapPost("/", SendAsync).StartsAnAnswer();
        group.MapPost("/{messageId}/regenerate", RegenerateAsync).StartsAnAnswer();
        group.MapPost("/{messageId}/edit", EditAsync).StartsAnAnswer();
        group.MapPost("/{messageId}/continue", ContinueAsync).StartsAnAnswer();
        group.MapPost("/{messageId}/undo-edit", UndoEditApi.UndoEditAsync);

        return group;
    }

    public static Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> SendAsync(
        string id, SendMessageRequest request, OwnedSessions store, GenerationRegistry generations, GenerationRunner runner,
        IOptions<GenerationOptions> options, TimeProvider time, SmailMetrics metrics, CancellationToken ct) =>
        Counted(AskAsync(id, request, editFrom: null, store, generations, runner, options.Value, time, ct), metrics, Features.MessageSent);

    /// <summary>
    /// Edits an earlier message of the person's and asks again: the conversation continues from the edited
    /// message, and what came after it is replaced by the new answer.
    /// </summary>
    public static Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> EditAsync(
        string id, string messageId, SendMessageRequest request, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, IOptions<GenerationOptions> options, TimeProvider time, SmailMetrics metrics, CancellationToken ct) =>
        Counted(AskAsync(id, request, editFrom: messageId, store, generations, runner, options.Value, time, ct), metrics, Features.Edit);

    private static async Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> AskAsync(
        string id, SendMessageRequest request, string? editFrom, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, GenerationOptions options, TimeProvider time, CancellationToken ct)
    {
        if (SessionValidation.CheckContent(request.Content) is { } badContent)
        {
            return ApiProblems.Invalid(badContent.Code, badContent.Detail);
        }
        if (SessionValidation.Check(null, request.Model, null, request.Options) is { } invalid)
        {
            return ApiProblems.Invalid(invalid.Code, invalid.Detail);
        }
        var session = await store.GetAsync(id, ct);
        if (session is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        if (editFrom is not null && session.FindMessage(editFrom) is not { Role: MessageRoles.User })
        {
            return session.FindMessage(editFrom) is null
                ? ApiProblems.MessageNotFound(editFrom)
                : ApiProblems.Invalid("not_a_user_message", "Only your own messages can be edited.");
        }
        var model = request.Model ?? session.Model ?? options.DefaultModel;
        if (string.IsNullOrEmpty(model))
        {
            return ApiProblems.Invalid("model_required", "Choose a model for this conversation first.");
        }

        var now = time.GetUtcNow();
        var user = new ChatMessage(SmailIds.New(), MessageRoles.User, request.Content!, MessageStatus.Complete, now);
        var assistant = new ChatMessage(SmailIds.New(), MessageRoles.Assistant, "", MessageStatus.Streaming, now) { Model = model };
        var begun = await generations.TryBeginAsync(session, assistant.Id, model, GenerationKind.New);
        if (begun.Started is not { } generation)
        {
            return ApiProblems.GenerationInProgress(begun.RunningId!);
        }
        if (await runner.StartAsync(generation, new NewTurn(user, assistant, editFrom), request.Options) is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        var eventsUrl = $"/api/generations/{generation.Id}/events";
        return TypedResults.Accepted(eventsUrl, new GenerationAccepted(user.Id, assistant.Id, generation.Id, eventsUrl));
    }

    /// <summary>
    /// Writes the latest answer again, from the same conversation up to it. The stored answer stays as it
    /// was until the new one starts streaming, so a failed or stopped retry loses nothing.
    /// </summary>
    public static Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> RegenerateAsync(
        string id, string messageId, RegenerateRequest? request, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, RoutingUpstream upstreams, IOptions<GenerationOptions> options, SmailMetrics metrics, CancellationToken ct) =>
        Counted(AnswerAgainAsync(id, messageId, request, continuing: false, store, generations, runner, upstreams, options.Value, ct), metrics, Features.Regenerate);

    /// <summary>
    /// Continues the latest answer where it ended (interrupted, stopped, failed or cut at the length limit):
    /// the model is given the text so far and writes on from there.
    /// </summary>
    public static Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> ContinueAsync(
        string id, string messageId, RegenerateRequest? request, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, RoutingUpstream upstreams, IOptions<GenerationOptions> options, SmailMetrics metrics, CancellationToken ct) =>
        Counted(AnswerAgainAsync(id, messageId, request, continuing: true, store, generations, runner, upstreams, options.Value, ct), metrics, Features.Continue);

    private static async Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> AnswerAgainAsync(
        string id, string messageId, RegenerateRequest? request, bool continuing, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, RoutingUpstream upstreams, GenerationOptions options, CancellationToken ct)
    {
        request ??= new RegenerateRequest(null, null);
        if (SessionValidation.Check(null, request.Model, null, request.Options) is { } invalid)
        {
            return ApiProblems.Invalid(invalid.Code, invalid.Detail);
        }
        var session = await store.GetAsync(id, ct);
        if (session is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        var answer = session.FindMessage(messageId);
        if (answer is null)
        {
            return ApiProblems.MessageNotFound(messageId);
        }
        if (answer.Role != MessageRoles.Assistant || session.Messages[^1].Id != answer.Id)
        {
            return ApiProblems.Invalid("not_latest_answer", "Only the latest answer can be regenerated or continued. Edit and resend an earlier message instead.");
        }
        if (continuing && answer.Content.Length == 0 && string.IsNullOrEmpty(answer.Thinking))
        {
            return ApiProblems.Invalid("nothing_to_continue", "This answer has no text yet; regenerate it instead.");
        }
        var model = request.Model ?? answer.Model ?? session.Model ?? options.DefaultModel;
        if (string.IsNullOrEmpty(model))
        {
            return ApiProblems.Invalid("model_required", "Choose a model for this conversation first.");
        }
        if (continuing && upstreams.Resolve(model).Upstream is { Continues: false } server)
        {
            return ApiProblems.Create(StatusCodes.Status409Conflict, "cannot_continue",
                $"The model server '{server.Name}' cannot continue an answer where it ended (Upstreams:{server.Name}:Continuation is restart). Regenerate it instead.");
        }
        var seed = continuing ? new AnswerSeed(answer.Content, answer.Thinking) : null;
        var kind = continuing ? GenerationKind.Continue : GenerationKind.Regenerate;
        var begun = await generations.TryBeginAsync(session, answer.Id, model, kind, seed);
        if (begun.Started is not { } generation)
        {
            return ApiProblems.GenerationInProgress(begun.RunningId!);
        }
        if (await runner.StartAsync(generation, null, request.Options) is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        var question = session.Messages.LastOrDefault(m => m.Role == MessageRoles.User);
        var eventsUrl = $"/api/generations/{generation.Id}/events";
        return TypedResults.Accepted(eventsUrl, new GenerationAccepted(question?.Id ?? "", answer.Id, generation.Id, eventsUrl));
    }

    /// <summary>Counts a feature once its request was accepted; refused requests are not use.</summary>
    private static async Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> Counted(
        Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> request, SmailMetrics metrics, string feature)
    {
        var result = await request;
        if (result.Result is Accepted<GenerationAccepted>)
        {
            metrics.Used(feature);
        }
        return result;
    }
}
