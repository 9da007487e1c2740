using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Ollama;

namespace Smail.Health;

internal sealed record UpstreamHealth(bool Reachable, string? Version, string? Error);

internal sealed record HealthReport(string Status, UpstreamHealth Upstream);

internal static class HealthApi
{
    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/health").WithTags("Health");

        group.MapGet("/", GetAsync);

        return group;
    }

    /// <summary>Always 200 while Smail itself runs; an unreachable upstream makes the status "degraded".</summary>
    public static async Task<Ok<HealthReport>> GetAsync(IChatUpstream upstream, CancellationToken ct)
    {
        try
        {
            var version = await upstream.GetVersionAsync(ct);
            return TypedResults.Ok(new HealthReport("ok", new UpstreamHealth(true, version, null)));
        }
        catch (UpstreamException ex)
        {
            return TypedResults.Ok(new HealthReport("degraded", new UpstreamHealth(false, null, ex.Message)));
        }
    }
}
