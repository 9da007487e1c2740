using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Smail.Generations;

namespace Smail.Changes;

internal static class ChangesApi
{
    private static readonly byte[] s_keepAlive = ": keep-alive\n\n"u8.ToArray();

    public static RouteGroupBuilder MapChangesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/changes").WithTags("Changes");
        group.MapGet("/", StreamAsync);
        return group;
    }

    /// <summary>
    /// The change feed as SSE: <c>health</c> first, then <c>session</c> changes as they happen, keep-alive
    /// comments while quiet. No ids and no replay: a page that reconnects reloads what it shows.
    /// </summary>
    public static async Task StreamAsync(HttpContext context, ChangeFeed feed, IOptions<GenerationOptions> options)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = response.BodyWriter;
        var ct = context.RequestAborted;
        using var subscription = feed.Subscribe();
        try
        {
            body.Write("retry: 2000\n\n"u8);
            while (true)
            {
                while (subscription.Changes.TryRead(out var frame))
                {
                    body.Write(frame);
                }
                if ((await body.FlushAsync(ct)).IsCompleted)
                {
                    return;
                }
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
                quiet.CancelAfter(options.Value.KeepAliveInterval);
                try
                {
                    if (!await subscription.Changes.WaitToReadAsync(quiet.Token))
                    {
                        return; // Cut off for falling behind: the page reconnects.
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    body.Write(s_keepAlive);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page went away.
        }
    }
}
