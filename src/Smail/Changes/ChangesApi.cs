using System.Buffers;
using Microsoft.Extensions.Options;
using Smail.Generations;

namespace Smail.Changes;

internal static class ChangesApi
{
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
    public static async Task StreamAsync(HttpContext context, Accounts.SmailUser user, ChangeFeed feed, IOptions<GenerationOptions> options)
    {
        var body = SseResponse.Start(context);
        var ct = context.RequestAborted;
        using var subscription = feed.Subscribe(user);
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
                    body.Write(SseResponse.KeepAlive);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page went away.
        }
    }
}
