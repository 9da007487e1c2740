using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.RegularExpressions;
using Smail.OllamaEmulator.Scripting;

namespace Smail.Benchmarks;

/// <summary>
/// Many answers at once, all started within one second, 100 tokens each at 20 tokens/s: read straight from
/// the emulator, through Smail, and through the AI SDK relay, in the same run. Latency is from the emulator
/// flushing a chunk to the client's parser yielding it; TTFT from the client's first request to its first text.
/// </summary>
internal sealed partial class ConcurrencyBenchmark(OllamaEmulator.OllamaEmulator emulator, Uri smail, int smailPid, Uri relay, int relayPid)
{
    public const int Tokens = 100;
    private static readonly TimeSpan s_tokenGap = TimeSpan.FromMilliseconds(50);
    private static readonly string s_expected = string.Concat(Enumerable.Range(0, Tokens).Select(Token));

    // A fresh pool per run, closed after it: kept-alive connections of one run would hold two descriptors each
    // (client and emulator side, both in this process) through the next, and 5,000 answers need them all.
    private HttpClient _http = NewClient();

    private static HttpClient NewClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public sealed record Stats(double P50, double P99, double Max);

    /// <param name="SteadyChunk">Chunks flushed after the start burst (2 s after the first answer began): what a long answer sees.</param>
    public sealed record Result(string Name, int Answers, int Exact, Stats Ttft, Stats Chunk, Stats SteadyChunk, double CpuMsPer1000Chunks, long PeakRssBytes);

    private sealed record Answer(string Marker, long StartedAt, List<long> Arrivals, string Text);

    public Task<Result> DirectAsync(int answers) => RunAsync("direct", answers, null, ReadDirectAsync);

    public Task<Result> SmailAsync(int answers) => RunAsync("Smail", answers, smailPid, ReadSmailAsync);

    public Task<Result> RelayAsync(int answers) => RunAsync("AI SDK relay", answers, relayPid, ReadRelayAsync);

    private async Task<Result> RunAsync(string name, int answers, int? pid, Func<string, Task<(List<long> Arrivals, string Text)>> read)
    {
        for (var i = 0; i < answers; i++)
        {
            emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, Tokens).Select(Token)]).WithDelays(TimeSpan.Zero, s_tokenGap));
        }
        var run = Guid.NewGuid().ToString("N")[..8];
        var cpuBefore = pid is { } p ? ProcessStats.CpuTime(p) : TimeSpan.Zero;
        using var sampling = new CancellationTokenSource();
        var peakRss = pid is { } id ? SamplePeakRssAsync(id, sampling.Token) : Task.FromResult(0L);
        var spread = TimeSpan.FromSeconds(1) / answers;
        var started = Stopwatch.GetTimestamp();
        var all = await Task.WhenAll(Enumerable.Range(0, answers).Select(async i =>
        {
            await Task.Delay(spread * i - Stopwatch.GetElapsedTime(started) is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
            var marker = $"bench-{run}-{i}";
            var startedAt = Stopwatch.GetTimestamp();
            var (arrivals, text) = await read(marker);
            return new Answer(marker, startedAt, arrivals, text);
        }));
        await sampling.CancelAsync();
        var cpu = pid is { } q ? ProcessStats.CpuTime(q) - cpuBefore : TimeSpan.Zero;
        _http.Dispose();
        _http = NewClient();

        var requests = emulator.Requests.Chats
            .Select(r => (Match: MarkerPattern().Match(r.Body), Request: r))
            .Where(r => r.Match.Success && r.Match.Value.StartsWith($"bench-{run}-", StringComparison.Ordinal))
            .ToDictionary(r => r.Match.Value, r => r.Request);
        var ttft = new List<double>();
        var chunk = new List<double>();
        var steady = new List<double>();
        var burstOver = started + 2 * Stopwatch.Frequency;
        foreach (var answer in all)
        {
            var sent = requests[answer.Marker].ChunkSentTimestamps;
            if (answer.Arrivals.Count > 0)
            {
                ttft.Add(Stopwatch.GetElapsedTime(answer.StartedAt, answer.Arrivals[0]).TotalMilliseconds);
            }
            foreach (var (received, flushed) in answer.Arrivals.Zip(sent))
            {
                var latency = Stopwatch.GetElapsedTime(flushed, received).TotalMilliseconds;
                chunk.Add(latency);
                if (flushed > burstOver)
                {
                    steady.Add(latency);
                }
            }
        }
        return new Result(name, answers, all.Count(a => a.Text == s_expected), Summarize(ttft), Summarize(chunk), Summarize(steady),
            cpu.TotalMilliseconds / (answers * Tokens / 1000.0), await peakRss);
    }

    private async Task<(List<long>, string)> ReadDirectAsync(string marker)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.BaseAddress, "/api/chat"))
        {
            Content = JsonContent.Create(new { model = "llama3.2", messages = new[] { new { role = "user", content = marker } } }),
        };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var arrivals = new List<long>();
        var text = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            var at = Stopwatch.GetTimestamp();
            var content = JsonDocument.Parse(line).RootElement.GetProperty("message").GetProperty("content").GetString()!;
            if (content.Length > 0)
            {
                arrivals.Add(at);
                text.Append(content);
            }
        }
        return (arrivals, text.ToString());
    }

    private async Task<(List<long>, string)> ReadSmailAsync(string marker)
    {
        using var created = await _http.PostAsJsonAsync(new Uri(smail, "/api/sessions"), new { model = "llama3.2" });
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating a conversation: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }
        var session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var sent = await _http.PostAsJsonAsync(new Uri(smail, $"/api/sessions/{session}/messages"), new { content = marker });
        var eventsUrl = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!;
        using var response = await _http.GetAsync(new Uri(smail, eventsUrl), HttpCompletionOption.ResponseHeadersRead);
        return await ReadSseAsync(response, "delta", data => data.GetProperty("text").GetString());
    }

    private async Task<(List<long>, string)> ReadRelayAsync(string marker)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(relay, "/chat"))
        {
            Content = JsonContent.Create(new { prompt = marker, model = "llama3.2" }),
        };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return await ReadSseAsync(response, null, data => data.GetProperty("type").GetString() == "text-delta" ? data.GetProperty("delta").GetString() : null);
    }

    private static async Task<(List<long>, string)> ReadSseAsync(HttpResponseMessage response, string? eventType, Func<JsonElement, string?> textOf)
    {
        var arrivals = new List<long>();
        var text = new System.Text.StringBuilder();
        await using var stream = await response.Content.ReadAsStreamAsync();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync())
        {
            var at = Stopwatch.GetTimestamp();
            if ((eventType is null || item.EventType == eventType) && item.Data.StartsWith('{')
                && textOf(JsonDocument.Parse(item.Data).RootElement) is { Length: > 0 } piece)
            {
                arrivals.Add(at);
                text.Append(piece);
            }
        }
        return (arrivals, text.ToString());
    }

    private static async Task<long> SamplePeakRssAsync(int pid, CancellationToken ct)
    {
        long peak = 0;
        while (!ct.IsCancellationRequested)
        {
            peak = Math.Max(peak, ProcessStats.ResidentBytes(pid));
            await Task.Delay(200, CancellationToken.None);
        }
        return peak;
    }

    private static Stats Summarize(List<double> values)
    {
        if (values.Count == 0)
        {
            return new Stats(double.NaN, double.NaN, double.NaN);
        }
        values.Sort();
        return new Stats(values[(int)(values.Count * 0.50)], values[Math.Min(values.Count - 1, (int)(values.Count * 0.99))], values[^1]);
    }

    private static string Token(int i) => $" t{i}";

    [GeneratedRegex(@"bench-[0-9a-f]{8}-\d+")]
    private static partial Regex MarkerPattern();
}
