using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Smail.Benchmarks;

/// <summary>The few API calls the benchmarks make, and an SSE listener that timestamps every answer event.</summary>
internal sealed class SmailApi(Uri address) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
    {
        BaseAddress = address,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<(string GenerationId, string EventsUrl)> StartAnswerAsync(string model = "llama3.2")
    {
        using var created = await _http.PostAsJsonAsync("/api/sessions", new { model });
        var session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var sent = await _http.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "benchmark" });
        var accepted = await sent.Content.ReadFromJsonAsync<JsonElement>();
        return (accepted.GetProperty("generationId").GetString()!, accepted.GetProperty("eventsUrl").GetString()!);
    }

    public Task StopAsync(string generationId) => _http.PostAsync($"/api/generations/{generationId}/stop", null);

    /// <summary>Reads the stream to its end; returns the <see cref="Stopwatch"/> timestamp at which each delta arrived.</summary>
    public async Task<List<long>> ListenAsync(string eventsUrl, TaskCompletionSource? firstEvent = null, CancellationToken ct = default)
    {
        var arrivals = new List<long>();
        using var response = await _http.GetAsync(eventsUrl, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
        {
            firstEvent?.TrySetResult();
            if (item.EventType == "delta")
            {
                arrivals.Add(Stopwatch.GetTimestamp());
            }
        }
        return arrivals;
    }

    /// <summary>A listener that sends its request and never reads a byte of the answer.</summary>
    public static async Task<TcpClient> OpenStuckListenerAsync(Uri address, string eventsUrl)
    {
        var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(address.Host, address.Port);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
            $"GET {eventsUrl} HTTP/1.1\r\nHost: {address.Authority}\r\nAccept: text/event-stream\r\n\r\n"));
        return client;
    }

    public void Dispose() => _http.Dispose();
}
