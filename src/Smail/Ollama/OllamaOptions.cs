using System.ComponentModel.DataAnnotations;

namespace Smail.Ollama;

/// <summary>
/// Where Ollama is and how long to wait for it. The timeouts are LLM-sized on purpose: a cold model
/// load can hold the response headers back for a minute, so there is no single request timeout.
/// </summary>
internal sealed class OllamaOptions
{
    public const string Section = "Ollama";
    public const string DefaultBaseUrl = "http://127.0.0.1:11434";

    /// <summary>Empty means: honour OLLAMA_HOST, else <see cref="DefaultBaseUrl"/>.</summary>
    public string? BaseUrl { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>From sending a chat request to its response headers: queueing, model load and prompt evaluation.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest silence between two lines of a streaming answer before it counts as stalled.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>For the small non-streaming calls: tags, version, show, ps.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Passed to Ollama as keep_alive when set (e.g. "5m", "-1").</summary>
    public string? KeepAlive { get; set; }
}
