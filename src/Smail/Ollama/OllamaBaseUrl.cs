namespace Smail.Ollama;

/// <summary>
/// Resolves the upstream address: Ollama:BaseUrl, else Ollama's own OLLAMA_HOST convention
/// ("host", "host:port", "scheme://host:port"; port 11434 and http when left out), else the default.
/// </summary>
internal static class OllamaBaseUrl
{
    private const int DefaultPort = 11434;

    public static Uri Resolve(string? configured, string? ollamaHost)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return WithTrailingSlash(new Uri(configured.Trim()));
        }
        if (string.IsNullOrWhiteSpace(ollamaHost))
        {
            return new Uri(OllamaOptions.DefaultBaseUrl + "/");
        }
        var host = ollamaHost.Trim();
        var scheme = "http";
        var schemeEnd = host.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            scheme = host[..schemeEnd];
            host = host[(schemeEnd + 3)..];
        }
        host = host.TrimEnd('/');
        var builder = Uri.TryCreate($"{scheme}://{host}", UriKind.Absolute, out var parsed) ? new UriBuilder(parsed) : new UriBuilder(scheme, host);
        if (!host.Contains(':', StringComparison.Ordinal) || host.EndsWith(']'))
        {
            builder.Port = DefaultPort;
        }
        // 0.0.0.0 is how Ollama is told to listen everywhere; a client reaches it on loopback.
        if (builder.Host is "0.0.0.0" or "[::]")
        {
            builder.Host = "127.0.0.1";
        }
        return WithTrailingSlash(builder.Uri);
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
