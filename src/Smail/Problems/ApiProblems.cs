using Microsoft.AspNetCore.Http.HttpResults;

namespace Smail.Problems;

/// <summary>
/// problem+json responses, each with a stable machine <c>code</c> beside the human <c>detail</c>:
/// clients branch on the code, people read the detail.
/// </summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Create(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>The same problem written straight to the response, for middleware that runs outside an endpoint.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string code, string detail, TimeSpan? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            SetRetryAfter(context.Response, wait);
        }
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail, Extensions = { ["code"] = code } },
        });
    }

    /// <summary>429 <c>rate_limited</c>, with <c>Retry-After</c> in whole seconds.</summary>
    public static ProblemHttpResult RateLimited(HttpContext context, TimeSpan retryAfter, string detail)
    {
        SetRetryAfter(context.Response, retryAfter);
        return Create(StatusCodes.Status429TooManyRequests, "rate_limited", detail);
    }

    /// <summary><c>Retry-After</c> in whole seconds, rounded up and at least 1, so a client never retries too soon.</summary>
    private static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = ((int)Math.Ceiling(Math.Max(1, wait.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static ProblemHttpResult Invalid(string code, string detail) => Create(StatusCodes.Status400BadRequest, code, detail);

    public static ProblemHttpResult SessionNotFound(string id) =>
        Create(StatusCodes.Status404NotFound, "session_not_found", $"There is no conversation with id '{Shorten(id)}'.");

    public static ProblemHttpResult MessageNotFound(string id) =>
        Create(StatusCodes.Status404NotFound, "message_not_found", $"There is no message with id '{Shorten(id)}' in this conversation.");

    public static ProblemHttpResult GenerationNotFound(string id) =>
        Create(StatusCodes.Status404NotFound, "generation_not_found", $"There is no generation with id '{Shorten(id)}'.");

    /// <summary>410: the events are gone, the answer is not: it is in the conversation.</summary>
    public static ProblemHttpResult GenerationExpired(string id, string sessionId, string messageId) =>
        TypedResults.Problem(
            detail: $"Generation {id} ended too long ago to replay its events. The answer is stored in conversation {sessionId}.",
            statusCode: StatusCodes.Status410Gone,
            extensions: new Dictionary<string, object?> { ["code"] = "generation_expired", ["sessionId"] = sessionId, ["messageId"] = messageId });

    public static ProblemHttpResult GenerationInProgress(string generationId) =>
        Create(StatusCodes.Status409Conflict, "generation_in_progress",
            $"An answer is still being written in this conversation (generation {generationId}). Stop it or wait for it to finish.");

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
