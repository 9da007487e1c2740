using System.ComponentModel.DataAnnotations;

namespace Smail.Generations;

internal sealed class GenerationOptions
{
    public const string Section = "Generations";

    /// <summary>How long a finished generation's events stay replayable for clients that reconnect.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReplayRetention { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sent as the SSE <c>retry:</c> field: how soon a browser's EventSource reconnects.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00")]
    public TimeSpan ClientRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest silence on an event stream before a <c>: keep-alive</c> comment, so proxies keep it open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.05", "00:05:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a long-poll waits for the first new event before answering with none.</summary>
    [Range(typeof(TimeSpan), "00:00:00.05", "00:01:00")]
    public TimeSpan PollWait { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The model used when neither the request nor the conversation names one.</summary>
    public string? DefaultModel { get; set; }
}
