using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Ollama;
using Smail.Problems;
using Smail.Upstreams;

namespace Smail.Models;

/// <summary>A model as the page sees it: <c>id</c> is what requests send as <c>model</c>; <c>upstream</c> is where it runs.</summary>
internal sealed record ModelInfo(string Id, string Name, string Upstream, string Family, string ParameterSize, long SizeBytes, IReadOnlyList<string> Capabilities);

/// <summary>
/// Whether an upstream answered the listing, and why not (its models are missing from the list while it is down);
/// <c>continues</c> says whether a broken-off answer can be continued there, or restarts (and has no Continue).
/// </summary>
internal sealed record UpstreamStatus(string Name, string Type, bool Reachable, string? Error, string? Code, bool Continues);

internal sealed record ModelList(IReadOnlyList<ModelInfo> Models)
{
    public IReadOnlyList<UpstreamStatus> Upstreams { get; init; } = [];
}

internal static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/models").WithTags("Models");

        group.MapGet("/", ListAsync);

        return group;
    }

    /// <summary>
    /// Every upstream's models. An upstream that is down is listed with its reason and the others' models still
    /// come; only when every upstream fails is the answer a problem (503 unreachable, else 502).
    /// </summary>
    public static async Task<Results<Ok<ModelList>, ProblemHttpResult>> ListAsync(RoutingUpstream upstreams, CancellationToken ct)
    {
        var listings = await upstreams.ListEachAsync(ct);
        if (listings.All(l => l.Error is not null))
        {
            var error = listings[0].Error!;
            return ApiProblems.Create(error.Kind == UpstreamErrorKind.Unreachable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway,
                error.Code, error.Message);
        }
        return TypedResults.Ok(new ModelList([.. listings.SelectMany(l => l.Models).Select(m =>
            new ModelInfo(m.Id ?? m.Name, m.Name, m.Upstream ?? "", m.Family, m.ParameterSize, m.SizeBytes, m.Capabilities))])
        {
            Upstreams = [.. listings.Select(l => new UpstreamStatus(l.Upstream.Name, l.Upstream.Type, l.Error is null, l.Error?.Message, l.Error?.Code, l.Upstream.Continues))],
        });
    }
}
