using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;

namespace Smail.Security;

/// <summary>
/// The headers every response carries. The Content-Security-Policy allows scripts from Smail only (the
/// pages' inline import maps by their hashes, computed here from the files served, so they cannot drift),
/// no plugins, no framing, no other base URL, and connections to Smail only. Images may also come from
/// https: addresses, because a remote image in an answer loads when the person clicks it (the page gives
/// no image an address before that).
/// </summary>
internal sealed partial class SecurityHeaders(RequestDelegate next, string contentSecurityPolicy)
{
    /// <summary>Turns off the browser features Smail does not use, for Smail and anything it could embed.</summary>
    public const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), " +
        "microphone=(), midi=(), payment=(), publickey-credentials-get=(), serial=(), usb=(), xr-spatial-tracking=()";

    /// <summary>The sandboxed diagram frame (an opaque origin, framed by Smail's page) and the files it loads.</summary>
    public const string DiagramFrame = "/diagram.html";

    private static readonly string[] s_diagramFrameFiles = [DiagramFrame, "/js/diagram-frame.js", "/css/diagram.css", "/lib/mermaid/"];

    /// <summary>
    /// The diagram frame's own policy: Mermaid writes its drawing's styles inline, which Smail's pages never allow;
    /// the frame can, because it runs sandboxed without Smail's origin and may load nothing but Smail's files.
    /// </summary>
    public const string DiagramFramePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        var path = context.Request.Path.Value ?? "";
        headers.ContentSecurityPolicy = path == DiagramFrame ? DiagramFramePolicy : contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // The sandboxed frame's origin is opaque, so to it Smail's own files are another origin's: those it loads say so.
        headers["Cross-Origin-Resource-Policy"] = s_diagramFrameFiles.Any(f => f.EndsWith('/') ? path.StartsWith(f, StringComparison.Ordinal) : path == f)
            ? "cross-origin" : "same-origin";
        return next(context);
    }

    /// <summary>The policy for the pages in <paramref name="webRoot"/>: their inline scripts are allowed by hash, and nothing else inline.</summary>
    public static string PolicyFor(IFileProvider webRoot)
    {
        var hashes = webRoot.GetDirectoryContents("")
            .Where(f => !f.IsDirectory && f.Name.EndsWith(".html", StringComparison.Ordinal))
            .SelectMany(f => InlineScripts(Read(f)))
            .Select(script => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)))}'")
            .Distinct()
            .Order(StringComparer.Ordinal);
        return string.Join("; ",
            "default-src 'self'",
            $"script-src 'self' {string.Join(' ', hashes)}".TrimEnd(),
            "style-src 'self'",
            "img-src 'self' data: https:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'");
    }

    private static string Read(IFileInfo file)
    {
        using var reader = new StreamReader(file.CreateReadStream(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static IEnumerable<string> InlineScripts(string html) =>
        InlineScript().Matches(html).Select(m => m.Groups["body"].Value);

    // A script element with no src: its text is what the browser hashes.
    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
