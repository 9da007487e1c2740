using Microsoft.AspNetCore.Http.Features;

namespace Smail.Problems;

/// <summary>For the routes that take a file, larger than the body limit every other route has.</summary>
internal static class RequestBodyLimit
{
    /// <summary>
    /// Lets this request's body grow to <paramref name="maxBytes"/>, and says whether the length it declared fits. A body
    /// that declared nothing and grows past the limit throws <see cref="BadHttpRequestException"/> (413) while it is read.
    /// </summary>
    public static bool Allow(HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxBytes;
        }
        return !(context.Request.ContentLength > maxBytes);
    }
}
