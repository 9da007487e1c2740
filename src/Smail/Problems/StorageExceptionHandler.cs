using Microsoft.AspNetCore.Diagnostics;
using Smail.Sessions;

namespace Smail.Problems;

/// <summary>A store that cannot write (a disk, a database) is a 503 with its code and the reason, not a bare 500; the server keeps running.</summary>
internal sealed class StorageExceptionHandler(IProblemDetailsService problems, ILogger<StorageExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StorageException storage)
        {
            return false;
        }
        logger.LogError(storage, "A request could not be stored");
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Detail = $"{storage.Message} Nothing already stored was lost. {storage.Advice}",
                Extensions = { ["code"] = storage.Code },
            },
        });
    }
}
