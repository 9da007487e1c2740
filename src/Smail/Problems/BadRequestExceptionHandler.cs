using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Smail.Problems;

/// <summary>
/// Turns request-binding failures (malformed JSON, a body over the size limit, a wrong content type)
/// into problem+json with a stable code and the parser's own explanation, instead of an empty 400.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }
        var (code, detail) = bad switch
        {
            { StatusCode: StatusCodes.Status413PayloadTooLarge } => ("body_too_large", "The request body is larger than this server accepts."),
            { StatusCode: StatusCodes.Status415UnsupportedMediaType } => ("unsupported_media_type", "Send the request body as application/json."),
            { InnerException: JsonException json } => ("malformed_json", $"The request body is not valid JSON: {json.Message}"),
            _ => ("bad_request", bad.Message),
        };
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
