using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Ollama;
using Smail.Sessions;
using Smail.Upstreams;

namespace Smail.Health;

internal sealed record UpstreamHealth(bool Reachable, string? Version, string? Error)
{
    /// <summary>Asks a model server for its version: reachable with it, or not with the reason.</summary>
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
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller's patience ran out: this one server is late, the others still answer for themselves.
            return new UpstreamHealth(false, null, "The model server did not answer in time.");
        }
    }

    /// <summary>Every upstream asked at once. The health route and the change feed's watcher both ask this way.</summary>
    public static async Task<IReadOnlyList<NamedUpstreamHealth>> CheckEachAsync(RoutingUpstream upstreams, CancellationToken cancellationToken) =>
        await Task.WhenAll(upstreams.Upstreams.Select(async u =>
        {
            var health = await CheckAsync(u.Client, cancellationToken);
            return new NamedUpstreamHealth(u.Name, u.Type, health.Reachable, health.Version, health.Error);
        }));

    /// <summary>All of them as one: reachable while any is (each one's state is in the list beside it).</summary>
    public static UpstreamHealth Overall(IReadOnlyList<NamedUpstreamHealth> each) => each.Count == 1
        ? new UpstreamHealth(each[0].Reachable, each[0].Version, each[0].Error)
        : new UpstreamHealth(each.Any(u => u.Reachable),
            string.Join("; ", each.Where(u => u.Reachable).Select(u => $"{u.Name} {u.Version}")) is { Length: > 0 } versions ? versions : null,
            each.All(u => !u.Reachable) ? each[0].Error : null);
}

/// <summary>One configured upstream's state, under its name.</summary>
internal sealed record NamedUpstreamHealth(string Name, string Type, bool Reachable, string? Version, string? Error);

/// <summary>
/// <c>upstream</c> is all upstreams as one (v1's shape), <c>upstreams</c> each of them. Versions, errors and the
/// store's folder and set-aside files are left out for someone not signed in: they are not for anyone who can reach
/// the port. The store's provider and whether it works are for everyone, as a load balancer needs them.
/// </summary>
internal sealed record HealthReport(string Status, UpstreamHealth Upstream, StoreHealth? Store)
{
    public IReadOnlyList<NamedUpstreamHealth> Upstreams { get; init; } = [];

    /// <summary>Which instance answered (<see cref="InstanceIdentity"/>).</summary>
    public string? Instance { get; init; }

    /// <summary>With <c>ConnectionStrings:Redis</c>: whether this instance reaches it now.</summary>
    public RedisHealth? Redis { get; init; }
}

internal sealed record RedisHealth(bool Ok);

internal static class HealthApi
{
    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/health").WithTags("Health").AllowAnonymous();

        group.MapGet("/", GetAsync);

        return group;
    }

    /// <summary>
    /// Always 200 while Smail itself runs; "degraded" when an upstream is unreachable or the store cannot
    /// write. The store part lists conversation files that were unreadable and set aside. Anyone may ask (a
    /// load balancer does, signed in or not); only a signed-in user hears the details.
    /// </summary>
    public static async Task<Ok<HealthReport>> GetAsync(
        HttpContext http, RoutingUpstream upstreams, ISessionStore store, IConfiguration configuration, IServiceProvider services, CancellationToken ct)
    {
        var storeHealth = store.CheckAsync(ct);
        var redis = services.GetService<StackExchange.Redis.IConnectionMultiplexer>() is { } multiplexer ? new RedisHealth(await PingAsync(multiplexer)) : null;
        var each = await UpstreamHealth.CheckEachAsync(upstreams, ct);
        var overall = UpstreamHealth.Overall(each);
        var status = each.All(u => u.Reachable) && (await storeHealth).Writable && redis is not { Ok: false } ? "ok" : "degraded";
        var instance = InstanceIdentity.Of(configuration);
        return Accounts.SmailUser.Of(http) is null
            ? TypedResults.Ok(new HealthReport(status, new UpstreamHealth(overall.Reachable, null, null), (await storeHealth).ForAnyone())
            {
                Upstreams = [.. each.Select(u => u with { Version = null, Error = null })],
                Instance = instance,
                Redis = redis,
            })
            : TypedResults.Ok(new HealthReport(status, overall, await storeHealth) { Upstreams = each, Instance = instance, Redis = redis });
    }

    private static async Task<bool> PingAsync(StackExchange.Redis.IConnectionMultiplexer redis)
    {
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            return false;
        }
    }
}
