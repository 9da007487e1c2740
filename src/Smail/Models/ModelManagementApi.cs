using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Accounts;
using Smail.Models.Pulls;
using Smail.Ollama;
using Smail.Problems;
using Smail.Sessions;

namespace Smail.Models;

/// <summary>
/// Pulling models into an Ollama upstream, with live progress, and deleting them. Admins only (the one person of
/// <c>Auth:Mode=none</c> is one); to anyone else these routes answer 404, as if they did not exist.
/// </summary>
internal static class ModelManagementApi
{
    public static RouteGroupBuilder MapModelManagementApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/models").WithTags("Models").AddEndpointFilter(AdminsOnly);
        group.MapPost("/pull", Pull);
        group.MapGet("/pulls", (ModelPulls pulls) => TypedResults.Ok(new PullList(pulls.List())));
        group.MapPost("/pulls/{id}/cancel", Cancel);
        group.MapDelete("/{**id}", DeleteAsync);
        return group;
    }

    private static async ValueTask<object?> AdminsOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        SmailUser.Of(context.HttpContext)?.IsAdmin == true
            ? await next(context)
            : ApiProblems.Create(StatusCodes.Status404NotFound, "not_found", "There is nothing here.");

    public static Results<Accepted<PullView>, ProblemHttpResult> Pull(PullRequest request, ModelPulls pulls)
    {
        if (string.IsNullOrWhiteSpace(request.Model) || !SessionValidation.IsModelName(request.Model.Trim()))
        {
            return ApiProblems.Invalid("invalid_model", "A model name has up to 200 letters, digits and the characters . : _ / -, like 'llama3.2:3b'.");
        }
        if (pulls.Resolve(request.Model.Trim()) is not { } target)
        {
            return NotSupported();
        }
        var pull = pulls.Start(target.Upstream, target.Client, target.Model);
        return TypedResults.Accepted($"/api/models/pulls/{pull.Id}", pull.View());
    }

    public static Results<Accepted<PullView>, ProblemHttpResult> Cancel(string id, ModelPulls pulls)
    {
        if (pulls.Find(id) is not { } pull)
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "pull_not_found", $"No download '{id}' is known here.");
        }
        pull.Cancel();
        return TypedResults.Accepted($"/api/models/pulls/{pull.Id}", pull.View());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ModelPulls pulls, CancellationToken ct)
    {
        if (pulls.Resolve(id) is not { } target)
        {
            return NotSupported();
        }
        try
        {
            await target.Client.DeleteModelAsync(target.Model, ct);
            return TypedResults.NoContent();
        }
        catch (UpstreamException ex) when (ex.Kind == UpstreamErrorKind.ModelNotFound)
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, ex.Code, ex.Message);
        }
        catch (UpstreamException ex)
        {
            return ApiProblems.Create(StatusCodes.Status502BadGateway, ex.Code, ex.Message);
        }
    }

    private static ProblemHttpResult NotSupported() => ApiProblems.Invalid("pull_not_supported",
        "Only an Ollama upstream installs and deletes models; OpenAI-compatible servers manage their own.");
}
