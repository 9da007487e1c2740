using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Smail.Generations;
using Smail.Problems;

namespace Smail.Accounts;

/// <summary>
/// Per-user limits under an auth mode (<c>Limits:MessagesPerMinute</c>, <c>Limits:ConcurrentGenerations</c>),
/// so one person cannot take a shared GPU for themselves: both answer 429 <c>rate_limited</c> with
/// <c>Retry-After</c>. The one person of <c>Auth:Mode=none</c> is not limited.
/// </summary>
internal static class UserLimits
{
    public const string MessagesPolicy = "messages-per-user";

    public static IServiceCollection AddUserLimits(this IServiceCollection services)
    {
        services.AddOptions<UserLimitOptions>().BindConfiguration(UserLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(options => options.AddPolicy(MessagesPolicy, context =>
        {
            var auth = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
            if (auth.IsNone || SmailUser.Of(context) is not { } user)
            {
                return RateLimitPartition.GetNoLimiter("");
            }
            var perMinute = context.RequestServices.GetRequiredService<IOptions<UserLimitOptions>>().Value.MessagesPerMinute;
            return RateLimitPartition.GetSlidingWindowLimiter(user.Id, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
            });
        }));
        return services;
    }

    /// <summary>A route that starts an answer: counted against the messages per minute and the concurrent generations.</summary>
    public static RouteHandlerBuilder StartsAnAnswer(this RouteHandlerBuilder route) =>
        route.RequireRateLimiting(MessagesPolicy).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var auth = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
            if (!auth.IsNone && SmailUser.Of(http) is { } user)
            {
                var limit = http.RequestServices.GetRequiredService<IOptions<UserLimitOptions>>().Value.ConcurrentGenerations;
                var ownership = http.RequestServices.GetRequiredService<Ownership>();
                var running = http.RequestServices.GetRequiredService<GenerationRegistry>().Running.Count(g => ownership.Owns(user, g.OwnerId));
                if (running >= limit)
                {
                    return ApiProblems.RateLimited(http, TimeSpan.FromSeconds(5),
                        $"You have {running} answers being written; the limit is {limit}. Wait for one to finish or stop one.");
                }
            }
            return await next(context);
        });
}
