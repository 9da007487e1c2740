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

/// <summary>The store's part is null for someone not signed in: its folder and file names are not for anyone who can reach the port.</summary>
internal sealed record HealthReport(string Status, UpstreamHealth Upstream, StoreHealth? Store);

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
    /// write. The store part lists conversation files that were unreadable and set aside. Anyone may ask (a
    /// load balancer does, signed in or not); only a signed-in user hears the details.
    /// </summary>
    public static async Task<Ok<HealthReport>> GetAsync(HttpContext http, IChatUpstream upstream, ISessionStore store, CancellationToken ct)
    {
        var storeHealth = await store.CheckAsync(ct);
        var upstreamHealth = await UpstreamHealth.CheckAsync(upstream, ct);
        var status = upstreamHealth.Reachable && storeHealth.Writable ? "ok" : "degraded";
        return Accounts.SmailUser.Of(http) is null
            ? TypedResults.Ok(new HealthReport(status, new UpstreamHealth(upstreamHealth.Reachable, null, null), null))
            : TypedResults.Ok(new HealthReport(status, upstreamHealth, storeHealth));
    }
}
