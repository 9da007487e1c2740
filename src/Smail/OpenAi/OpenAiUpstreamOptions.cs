namespace Smail.OpenAi;

/// <summary>One OpenAI-compatible upstream (<c>Upstreams:{name}</c> with <c>Type: openai</c>).</summary>
internal sealed class OpenAiUpstreamOptions
{
    /// <summary>The upstream's name in configuration, used in messages that say which setting to fix.</summary>
    public string Name { get; set; } = "openai";

    /// <summary>The URL that ends in <c>/v1</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c>; never logged, shown or measured.</summary>
    public string? ApiKey { get; set; }

    /// <summary>For servers without a usable <c>/v1/models</c>.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>The models that take images (the API does not say which do); <c>*</c> for all of them.</summary>
    public List<string> VisionModels { get; set; } = [];

    /// <summary>
    /// How the server continues a broken-off answer (<see cref="Upstreams.UpstreamContinuation"/>): vLLM wants
    /// <c>continue_final_message</c>; llama.cpp and LM Studio continue a trailing assistant message without being
    /// asked; the official API rejects the parameter and cannot continue, so answers restart.
    /// </summary>
    public string Continuation { get; set; } = Upstreams.UpstreamContinuation.Restart;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
