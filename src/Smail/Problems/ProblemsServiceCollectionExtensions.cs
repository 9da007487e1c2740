using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;

namespace Smail.Problems;

internal static class ProblemsServiceCollectionExtensions
{
    /// <summary>Largest request body accepted anywhere: a long prompt is a few hundred kilobytes.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Every problem carries a code, including the framework's own 404s, 405s and 500s.
            context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => "not_found",
                StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
                StatusCodes.Status413PayloadTooLarge => "body_too_large",
                StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
                >= 500 => "internal_error",
                _ => "bad_request",
            });
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                context.ProblemDetails.Detail ??= "Send the request body as application/json.";
            }
            if (context.ProblemDetails.Status >= 500 && context.Exception is not null)
            {
                context.ProblemDetails.Detail = "Smail failed unexpectedly. The server log has the details.";
            }
        });
        // Every rate limit answers the same way: 429 rate_limited, with Retry-After when the limiter knows it.
        services.AddRateLimiter(options => options.OnRejected = async (context, _) =>
        {
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            await ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited",
                $"Too many requests. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s.", wait);
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<StorageExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            options => options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.Configure<FormOptions>(options => options.MultipartBodyLengthLimit = MaxRequestBodyBytes);
        return services;
    }
}
