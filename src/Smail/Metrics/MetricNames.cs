namespace Smail.Metrics;

/// <summary>The instruments' names, defined once: <see cref="SmailMetrics"/> creates them and the dashboard's history listens to them.</summary>
internal static class MetricNames
{
    public const string TimeToFirstChunk = "smail.generation.time_to_first_chunk";
    public const string GenerationDuration = "smail.generation.duration";
    public const string TokensPerSecond = "smail.generation.tokens_per_second";
    public const string ChunkDelivery = "smail.stream.chunk_delivery";
    public const string ActiveGenerations = "smail.generation.active";
    public const string Connections = "smail.stream.connections";
    public const string ProcessMemory = "smail.process.memory";
    public const string Errors = "smail.generation.errors";
    public const string Retries = "smail.upstream.retries";
    public const string Recoveries = "smail.generation.recoveries";
    public const string Drops = "smail.stream.drops";
    public const string FeatureUsage = "smail.feature.usage";
    public const string BrowserTimeToFirstText = "smail.browser.time_to_first_text";
    public const string BrowserRenderTime = "smail.browser.render_time";
    public const string BrowserReconnects = "smail.browser.reconnects";
}
