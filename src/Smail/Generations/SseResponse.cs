using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Smail.Generations;

/// <summary>
/// How Smail starts every server-sent event stream (a generation's, the change feed), and the comment it
/// writes while one is quiet: one place for the headers proxies need.
/// </summary>
internal static class SseResponse
{
    /// <summary>A comment line: keeps proxies and browsers from closing a quiet stream.</summary>
    public static ReadOnlySpan<byte> KeepAlive => ": keep-alive\n\n"u8;

    /// <summary>Sets the event-stream headers, turns off response buffering, and returns the body to write frames to.</summary>
    public static PipeWriter Start(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        // Proxies such as nginx buffer responses unless told not to; an SSE stream must pass through as written.
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return response.BodyWriter;
    }
}
