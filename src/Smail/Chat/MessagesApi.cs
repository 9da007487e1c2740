using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Smail.Accounts;
using Smail.Attachments;
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
        group.MapPost("/{messageId}/select", BranchesApi.SelectAsync);

        return group;
    }

    public static Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> SendAsync(
        string id, SendMessageRequest request, OwnedSessions store, GenerationRegistry generations, GenerationRunner runner,
        IOptions<GenerationOptions> options, VisionCheck vision, TimeProvider time, SmailMetrics metrics, CancellationToken ct) =>
        Counted(AskAsync(id, request, editFrom: null, store, generations, runner, options.Value, vision, time, ct), metrics, Features.MessageSent);

    /// <summary>
    /// Edits an earlier message of the person's and asks again: the edited text is a new version of that message, with
    /// its own answer, beside the old one, which stays with everything after it.
    /// </summary>
    public static Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> EditAsync(
        string id, string messageId, SendMessageRequest request, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, IOptions<GenerationOptions> options, VisionCheck vision, TimeProvider time, SmailMetrics metrics, CancellationToken ct) =>
        Counted(AskAsync(id, request, editFrom: messageId, store, generations, runner, options.Value, vision, time, ct), metrics, Features.Edit);

    private static async Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> AskAsync(
        string id, SendMessageRequest request, string? editFrom, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, GenerationOptions options, VisionCheck vision, TimeProvider time, CancellationToken ct)
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
        var tree = new ConversationTree(session);
        string? parentId;
        var attachments = request.Attachments;
        if (editFrom is not null)
        {
            if (tree.Find(editFrom) is not { } edited)
            {
                return ApiProblems.MessageNotFound(editFrom);
            }
            if (edited.Role != MessageRoles.User)
            {
                return ApiProblems.Invalid("not_a_user_message", "Only your own messages can be edited.");
            }
            parentId = tree.ParentOf(editFrom)?.Id;
            // An edit of the text keeps the files the message was sent with, unless it names others.
            attachments ??= edited.Attachments?.ToList();
        }
        else if (request.ParentId is { } chosen)
        {
            if (tree.Find(chosen) is not { } parent)
            {
                return ApiProblems.MessageNotFound(chosen);
            }
            if (parent.Role != MessageRoles.Assistant)
            {
                return ApiProblems.Invalid("invalid_parent", "A message can only follow an answer: parentId must name an assistant message.");
            }
            parentId = chosen;
        }
        else
        {
            parentId = tree.Leaf?.Id;
        }
        var model = request.Model ?? session.Model ?? options.DefaultModel;
        if (string.IsNullOrEmpty(model))
        {
            return ApiProblems.Invalid("model_required", "Choose a model for this conversation first.");
        }
        if (await vision.RefusalAsync(session, attachments, model, ct) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        var user = new ChatMessage(SmailIds.New(), MessageRoles.User, request.Content!, MessageStatus.Complete, now)
        {
            ParentId = parentId,
            Attachments = attachments is { Count: > 0 } ? [.. attachments.Distinct(StringComparer.Ordinal)] : null,
        };
        var assistant = new ChatMessage(SmailIds.New(), MessageRoles.Assistant, "", MessageStatus.Streaming, now) { Model = model, ParentId = user.Id };
        var begun = await generations.TryBeginAsync(session, assistant.Id, model, GenerationKind.New);
        if (begun.Started is not { } generation)
        {
            return ApiProblems.GenerationInProgress(begun.RunningId!);
        }
        if (await runner.StartAsync(generation, new NewTurn(user, assistant), request.Options) is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        var eventsUrl = $"/api/generations/{generation.Id}/events";
        return TypedResults.Accepted(eventsUrl, new GenerationAccepted(user.Id, assistant.Id, generation.Id, eventsUrl));
    }

    /// <summary>
    /// Writes an answer again, from the conversation up to it: a new version beside it, which the conversation then
    /// shows. The old version stays, so a failed or stopped retry loses nothing.
    /// </summary>
    public static Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> RegenerateAsync(
        string id, string messageId, RegenerateRequest? request, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, RoutingUpstream upstreams, IOptions<GenerationOptions> options, VisionCheck vision, SmailMetrics metrics, TimeProvider time, CancellationToken ct) =>
        Counted(AnswerAgainAsync(id, messageId, request, continuing: false, store, generations, runner, upstreams, options.Value, vision, time, ct), metrics, Features.Regenerate);

    /// <summary>
    /// Continues the answer the conversation shows last where it ended (interrupted, stopped, failed or cut at the length limit):
    /// the model is given the text so far and writes on from there.
    /// </summary>
    public static Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> ContinueAsync(
        string id, string messageId, RegenerateRequest? request, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, RoutingUpstream upstreams, IOptions<GenerationOptions> options, VisionCheck vision, SmailMetrics metrics, TimeProvider time, CancellationToken ct) =>
        Counted(AnswerAgainAsync(id, messageId, request, continuing: true, store, generations, runner, upstreams, options.Value, vision, time, ct), metrics, Features.Continue);

    private static async Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult>> AnswerAgainAsync(
        string id, string messageId, RegenerateRequest? request, bool continuing, OwnedSessions store, GenerationRegistry generations,
        GenerationRunner runner, RoutingUpstream upstreams, GenerationOptions options, VisionCheck vision, TimeProvider time, CancellationToken ct)
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
        var tree = new ConversationTree(session);
        var answer = tree.Find(messageId);
        if (answer is null)
        {
            return ApiProblems.MessageNotFound(messageId);
        }
        if (answer.Role != MessageRoles.Assistant || tree.ParentOf(answer.Id) is not { } question)
        {
            return ApiProblems.Invalid("not_an_answer", "Only an answer can be regenerated or continued.");
        }
        if (continuing && tree.Leaf?.Id != answer.Id)
        {
            return ApiProblems.Invalid("not_latest_answer", "Only the last answer shown can be continued. Regenerate this one instead.");
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
        if (await vision.RefusalAsync(session, question.Attachments, model, ct) is { } refused)
        {
            return refused;
        }
        if (continuing && upstreams.Resolve(model).Upstream is { Continues: false } server)
        {
            return ApiProblems.Create(StatusCodes.Status409Conflict, "cannot_continue",
                $"The model server '{server.Name}' cannot continue an answer where it ended (Upstreams:{server.Name}:Continuation is restart). Regenerate it instead.");
        }
        var seed = continuing ? new AnswerSeed(answer.Content, answer.Thinking) : null;
        var kind = continuing ? GenerationKind.Continue : GenerationKind.Regenerate;
        // A regeneration writes a new version: a placeholder beside the answer, under the same question.
        var version = continuing ? null : new NewTurn(null,
            new ChatMessage(SmailIds.New(), MessageRoles.Assistant, "", MessageStatus.Streaming, time.GetUtcNow()) { Model = model, ParentId = question.Id });
        var written = version?.Answer.Id ?? answer.Id;
        var begun = await generations.TryBeginAsync(session, written, model, kind, seed);
        if (begun.Started is not { } generation)
        {
            return ApiProblems.GenerationInProgress(begun.RunningId!);
        }
        if (await runner.StartAsync(generation, version, request.Options) is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        var eventsUrl = $"/api/generations/{generation.Id}/events";
        return TypedResults.Accepted(eventsUrl, new GenerationAccepted(question.Id, written, generation.Id, eventsUrl));
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
