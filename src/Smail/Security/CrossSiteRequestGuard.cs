using Smail.Problems;

namespace Smail.Security;

/// <summary>
/// Refuses API requests another site's page makes from a visitor's browser: a <c>Sec-Fetch-Site:
/// cross-site</c> request, or one whose <c>Origin</c> is not Smail's own (scheme aside: a TLS proxy in front
/// changes the scheme, not the name). Browsers send these headers themselves and pages cannot forge them;
/// clients that are not browsers (curl, scripts, Prometheus) send neither and are not affected. Smail
/// answers no CORS preflight, so no other origin is ever allowed.
/// </summary>
internal sealed class CrossSiteRequestGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api") && IsCrossSite(context.Request))
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "cross_site_request",
                "Smail refuses requests that another site's page makes from your browser.").ExecuteAsync(context);
        }
        return next(context);
    }

    public static bool IsCrossSite(HttpRequest request)
    {
        if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }
        // "null" (sandboxed frames, file: pages) and anything unparsable are not Smail.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return true;
        }
        var host = request.Host;
        var sameName = string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase);
        var samePort = host.Port is { } port ? uri.Port == port : uri.IsDefaultPort;
        return !(sameName && samePort);
    }
}
