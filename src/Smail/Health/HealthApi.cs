using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Ollama;
using Smail.Sessions;

namespace Smail.Health;

internal sealed record UpstreamHealth(bool Reachable, string? Version, string? Error)
{
    /// <summary>Asks the model server for its version: reachable with it, or not with the reason. The health route and the change feed's watcher both ask this way.</summary>
    public static async Task<UpstreamHealth> CheckAsync(IChatUpstream upstream, CancellationToken cancellationToken)
    {
        try
        {
            return new UpstreamHealth(true, await upstream.GetVersionAsync(cancellationToken), null);
        }
        catch (UpstreamException ex)
        {
            return new UpstreamHealth(false, null, ex.Message);
        }
    }
}

internal sealed record HealthReport(string Status, UpstreamHealth Upstream, StoreHealth Store);

internal static class HealthApi
{
    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/health").WithTags("Health").AllowAnonymous();

        group.MapGet("/", GetAsync);

        return group;
    }

    /// <summary>
    /// Always 200 while Smail itself runs; "degraded" when the upstream is unreachable or the store cannot
    /// write. The store part lists conversation files that were unreadable and set aside.
    /// </summary>
    public static async Task<Ok<HealthReport>> GetAsync(IChatUpstream upstream, ISessionStore store, CancellationToken ct)
    {
        var storeHealth = await store.CheckAsync(ct);
        var upstreamHealth = await UpstreamHealth.CheckAsync(upstream, ct);
        var status = upstreamHealth.Reachable && storeHealth.Writable ? "ok" : "degraded";
        return TypedResults.Ok(new HealthReport(status, upstreamHealth, storeHealth));
    }
}
