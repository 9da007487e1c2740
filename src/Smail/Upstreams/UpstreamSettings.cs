namespace Smail.Upstreams;

/// <summary>The contract's upstream types (<c>Upstreams:{name}:Type</c>).</summary>
internal static class UpstreamTypes
{
    public const string Ollama = "ollama";
    public const string OpenAi = "openai";
}

/// <summary>
/// How a server carries on an answer that broke off (<c>Upstreams:{name}:Continuation</c>). With either of the first
/// two, a retry after a failure mid-answer continues the text seamlessly; with <see cref="Restart"/> the answer is
/// written again from its beginning, and listeners are told so.
/// </summary>
internal static class UpstreamContinuation
{
    /// <summary>The text so far is sent as a trailing assistant message, which the model continues (Ollama, llama.cpp's server, LM Studio).</summary>
    public const string Prefill = "prefill";

    /// <summary>As <see cref="Prefill"/>, asked for with <c>continue_final_message</c> and <c>add_generation_prompt: false</c> (vLLM).</summary>
    public const string ContinueFinalMessage = "continue_final_message";

    /// <summary>The server cannot continue (OpenAI's own API and any server not known to): answers restart.</summary>
    public const string Restart = "restart";

    /// <summary>Ollama always continues a trailing assistant message; an OpenAI-compatible server only when it is said to.</summary>
    public static string DefaultFor(string type) => type == UpstreamTypes.Ollama ? Prefill : Restart;
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

    /// <summary>OpenAI-compatible only: the models that take images (the API does not say); <c>*</c> for all.</summary>
    public List<string> VisionModels { get; set; } = [];

    /// <summary>One of <see cref="UpstreamContinuation"/>'s; by default, prefill for Ollama and restart for an OpenAI-compatible server.</summary>
    public string? Continuation { get; set; }

    public string ContinuationOrDefault => Continuation ?? UpstreamContinuation.DefaultFor(Type);
}
