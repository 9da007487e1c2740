namespace Smail.Upstreams;

/// <summary>The contract's upstream types (<c>Upstreams:{name}:Type</c>).</summary>
internal static class UpstreamTypes
{
    public const string Ollama = "ollama";
    public const string OpenAi = "openai";
}

/// <summary>One model server, <c>Upstreams:{name}</c>.</summary>
internal sealed class UpstreamSettings
{
    public const string Section = "Upstreams";

    public string Type { get; set; } = UpstreamTypes.Ollama;

    /// <summary>For <c>openai</c>, the URL that ends in <c>/v1</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c>; never shown, logged or measured.</summary>
    public string? ApiKey { get; set; }

    /// <summary>For servers without a usable <c>/v1/models</c>.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>The server continues a trailing assistant message when asked with <c>continue_final_message</c> (vLLM).</summary>
    public bool ContinueFinalMessage { get; set; }
}
