using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Ollama;
using Smail.Problems;

namespace Smail.Models;

internal sealed record ModelInfo(string Name, string Family, string ParameterSize, long SizeBytes, IReadOnlyList<string> Capabilities);

internal sealed record ModelList(IReadOnlyList<ModelInfo> Models);

internal static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/models").WithTags("Models");

        group.MapGet("/", ListAsync);

        return group;
    }

    public static async Task<Results<Ok<ModelList>, ProblemHttpResult>> ListAsync(IChatUpstream upstream, CancellationToken ct)
    {
        try
        {
            var models = await upstream.ListModelsAsync(ct);
            return TypedResults.Ok(new ModelList([.. models.Select(m => new ModelInfo(m.Name, m.Family, m.ParameterSize, m.SizeBytes, m.Capabilities))]));
        }
        catch (UpstreamException ex) when (ex.Kind == UpstreamErrorKind.Unreachable)
        {
            return ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, ex.Code, ex.Message);
        }
        catch (UpstreamException ex)
        {
            return ApiProblems.Create(StatusCodes.Status502BadGateway, ex.Code, ex.Message);
        }
    }
}
