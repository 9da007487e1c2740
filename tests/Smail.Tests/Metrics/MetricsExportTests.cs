using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Metrics;

/// <summary>
/// A scripted set of chats against Smail in its own process (so no other test's measurements mix in),
/// then its /metrics, parsed: every count exactly what happened.
/// </summary>
public sealed class MetricsExportTests
{
    private static ChatScript Answer() =>
        ChatScript.Answer([.. Enumerable.Range(0, 10).Select(i => $" t{i}")]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task AfterTwoSuccessesAStopA404ARetried503AndADroppedListener_MetricsHoldExactlyThoseCounts()
    {
        await using var emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        await using var smail = await SmailProcess.StartAsync(emulator.BaseAddress, settings: ["--Resilience:RetryDelay", "00:00:00.010"]);
        using var http = new HttpClient { BaseAddress = smail.Address };

        async Task<(string GenerationId, string EventsUrl)> SendAsync(string model = "llama3.2")
        {
            using var created = await http.PostAsJsonAsync("/api/sessions", new { model });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            using var sent = await http.PostAsJsonAsync($"/api/sessions/{id}/messages", new { content = "Hi" });
            var accepted = await sent.Content.ReadFromJsonAsync<JsonElement>();
            return (accepted.GetProperty("generationId").GetString()!, accepted.GetProperty("eventsUrl").GetString()!);
        }

        // Two successes.
        emulator.Scripts.Enqueue(Answer(), Answer());
        for (var i = 0; i < 2; i++)
        {
            await new SseClient(http, (await SendAsync()).EventsUrl).ReadToEndAsync();
        }
        // One stop, after some text.
        emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 500).Select(i => $" s{i}")]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        var stopped = await SendAsync();
        var stopSent = false;
        await foreach (var e in new SseClient(http, stopped.EventsUrl).ReadAsync())
        {
            if (e.Type == "delta" && !stopSent)
            {
                stopSent = true;
                await http.PostAsync($"/api/generations/{stopped.GenerationId}/stop", null);
            }
        }
        // One model that is not installed.
        await new SseClient(http, (await SendAsync("mistral:7b")).EventsUrl).ReadToEndAsync();
        // One 503, retried into a success.
        emulator.Scripts.Enqueue(ChatScript.Status(503, "server busy, please try again.  maximum pending requests exceeded"), Answer());
        await new SseClient(http, (await SendAsync()).EventsUrl).ReadToEndAsync();
        // One listener that leaves before the end, as a closed tab does; its answer completes without it.
        // (HttpClient would otherwise drain the rest of the response to reuse the connection.)
        emulator.Scripts.Enqueue(Answer());
        var dropped = await SendAsync();
        using var tab = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero })
        {
            BaseAddress = smail.Address,
        };
        await foreach (var e in new SseClient(tab, dropped.EventsUrl).ReadAsync())
        {
            if (e.Type == "delta")
            {
                break;
            }
        }
        // The browser's own report.
        using var report = await http.PostAsJsonAsync("/api/telemetry", new
        {
            events = new object[]
            {
                new { name = "time_to_first_text", value = 0.42 },
                new { name = "render_time", value = 0.001 },
                new { name = "reconnect" },
                new { name = "feature", feature = "copy_code" },
            },
        });
        report.EnsureSuccessStatusCode();

        var metrics = await ScrapeWhenSettledAsync(http);

        Assert.Equal(6, metrics.Value("smail_feature_usage_total", ("feature", "message_sent")));
        Assert.Equal(1, metrics.Value("smail_feature_usage_total", ("feature", "stop")));
        Assert.Equal(1, metrics.Value("smail_feature_usage_total", ("feature", "copy_code")));
        Assert.Equal(4, metrics.Value("smail_generation_duration_seconds_count", ("outcome", "complete")));
        Assert.Equal(1, metrics.Value("smail_generation_duration_seconds_count", ("outcome", "stopped")));
        Assert.Equal(1, metrics.Value("smail_generation_duration_seconds_count", ("outcome", "error")));
        Assert.Equal(1, metrics.Value("smail_generation_errors_total"));
        Assert.Equal(1, metrics.Value("smail_generation_errors_total", ("code", "model_not_found")));
        Assert.Equal(1, metrics.Value("smail_upstream_retries_total"));
        Assert.Equal(1, metrics.Value("smail_upstream_retries_total", ("reason", "upstream_busy")));
        Assert.Equal(1, metrics.Value("smail_generation_recoveries_total", ("outcome", "success"), ("upstream", "ollama")));
        Assert.Equal(0, metrics.Value("smail_generation_recoveries_total", ("outcome", "failure")));
        Assert.Equal(1, metrics.Value("smail_stream_drops_total"));
        Assert.Equal(5, metrics.Value("smail_generation_time_to_first_chunk_seconds_count", ("model", "llama3.2")));
        Assert.Equal(4, metrics.Value("smail_generation_tokens_per_second_count"));
        Assert.Equal(0, metrics.Value("smail_generation_active"));
        Assert.Equal(0, metrics.Value("smail_stream_connections"));
        Assert.True(metrics.Value("smail_process_memory_bytes") > 10_000_000);
        var delivered = metrics.Value("smail_stream_chunk_delivery_seconds_count");
        Assert.InRange(delivered, 20, 10 * 5 + 500);
        Assert.Equal(delivered, metrics.Value("smail_stream_chunk_delivery_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(1, metrics.Value("smail_browser_time_to_first_text_seconds_count"));
        Assert.Equal(1, metrics.Value("smail_browser_render_time_seconds_count"));
        Assert.Equal(1, metrics.Value("smail_browser_reconnects_total"));
        Assert.True(metrics.Has("http_server_request_duration_seconds_count"), "ASP.NET Core instrumentation");
        Assert.True(metrics.Has("dotnet_gc_collections_total") || metrics.Samples.Any(s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal)), "runtime instrumentation");
    }

    // Gauges settle once the dropped listener's socket is noticed and the last answer has ended.
    private static async Task<PrometheusText> ScrapeWhenSettledAsync(HttpClient http)
    {
        PrometheusText metrics;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        do
        {
            await Task.Delay(200);
            metrics = PrometheusText.Parse(await http.GetStringAsync("/metrics"));
        }
        while ((metrics.Value("smail_generation_active") != 0 || metrics.Value("smail_stream_connections") != 0
            || metrics.Value("smail_generation_duration_seconds_count") < 6) && DateTime.UtcNow < deadline);
        return metrics;
    }
}
