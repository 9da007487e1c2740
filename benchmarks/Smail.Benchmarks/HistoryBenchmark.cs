using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Benchmarks;

/// <summary>
/// Big histories: a store of many conversations written straight to disk in Smail's file format, then Smail
/// started on it (time to answer, memory, the list's latency: request sent → whole body received); and one answer streamed into a conversation
/// of thousands of messages beside one streamed into an empty one.
/// </summary>
internal static class HistoryBenchmark
{
    public sealed record StoreResult(int Conversations, int MessagesEach, long StoreBytes, TimeSpan StartTime, double ListP50Ms, double ListMaxMs, long RssBytes);

    public static async Task<StoreResult> StartOnStoreAsync(Uri upstream, int conversations, int messagesEach)
    {
        var store = Directory.CreateTempSubdirectory("smail-history-").FullName;
        var bytes = 0L;
        for (var i = 0; i < conversations; i++)
        {
            var (id, json) = Conversation(i, messagesEach);
            await File.WriteAllBytesAsync(Path.Combine(store, id + ".json"), json);
            bytes += json.Length;
        }
        var started = Stopwatch.GetTimestamp();
        await using var smail = await SmailProcess.StartAsync(upstream, store);
        var startTime = Stopwatch.GetElapsedTime(started);
        using var http = new HttpClient { BaseAddress = smail.Address };
        var times = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var begin = Stopwatch.GetTimestamp();
            var body = await http.GetByteArrayAsync("/api/sessions");
            times.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
            if (JsonDocument.Parse(body).RootElement.GetProperty("sessions").GetArrayLength() != conversations)
            {
                throw new InvalidOperationException("The list lacks conversations.");
            }
        }
        var rss = smail.ResidentBytes();
        Directory.Delete(store, recursive: true);
        times = [.. times.Skip(1).Order()];
        return new StoreResult(conversations, messagesEach, bytes, startTime, times[times.Count / 2], times[^1], rss);
    }

    /// <summary>Delivery latency p50 / p99 and Smail's CPU per chunk for an answer in a conversation of <paramref name="messages"/> messages.</summary>
    public static async Task<(double P50, double P99, double CpuUsPerChunk)> AnswerInConversationAsync(
        OllamaEmulator.OllamaEmulator emulator, int messages, int chunks = 1000)
    {
        var store = Directory.CreateTempSubdirectory("smail-long-").FullName;
        var (id, json) = Conversation(0, messages);
        await File.WriteAllBytesAsync(Path.Combine(store, id + ".json"), json);
        await using var smail = await SmailProcess.StartAsync(emulator.BaseAddress, store, [.. (Environment.GetEnvironmentVariable("SMAIL_BENCH_ARGS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        using var http = new HttpClient { BaseAddress = smail.Address, Timeout = TimeSpan.FromMinutes(2) };
        // Warm-up in the same conversation: the model load and the JIT (tiering needs many calls) are not what is measured.
        emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Repeat(" warm", 2000)]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(1)));
        await ListenAsync(http, id);
        emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Repeat(" tok", chunks)]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(5)));
        var requestsBefore = emulator.Requests.Chats.Count;
        var cpuBefore = ProcessStats.CpuTime(smail.Id);
        var arrivals = await ListenAsync(http, id);
        var cpu = ProcessStats.CpuTime(smail.Id) - cpuBefore;
        var sent = emulator.Requests.Chats[requestsBefore].ChunkSentTimestamps;
        var latencies = arrivals.Zip(sent, (received, flushed) => Stopwatch.GetElapsedTime(flushed, received).TotalMilliseconds).Order().ToArray();
        await smail.DisposeAsync();
        Directory.Delete(store, recursive: true);
        return (latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)], cpu.TotalMicroseconds / chunks);
    }

    private static async Task<List<long>> ListenAsync(HttpClient http, string session)
    {
        using var sent = await http.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Once more" });
        var eventsUrl = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!;
        var arrivals = new List<long>();
        using var response = await http.GetAsync(eventsUrl, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync())
        {
            if (item.EventType == "delta")
            {
                arrivals.Add(Stopwatch.GetTimestamp());
            }
        }
        return arrivals;
    }

    /// <summary>A conversation file as Smail writes one: alternating questions and answers of a few hundred characters.</summary>
    private static (string Id, byte[] Json) Conversation(int n, int messages)
    {
        var id = Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow.AddDays(-1).AddSeconds(n);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("title", $"Conversation {n} about topic {n % 97}");
            json.WriteString("model", "llama3.2");
            json.WriteString("createdAt", at);
            json.WriteString("updatedAt", at);
            json.WriteNumber("messageCount", messages);
            json.WriteBoolean("answerInProgress", false);
            json.WriteNumber("schemaVersion", 1);
            json.WriteStartArray("messages");
            for (var m = 0; m < messages; m++)
            {
                json.WriteStartObject();
                json.WriteString("id", Guid.NewGuid().ToString("N"));
                json.WriteString("role", m % 2 == 0 ? "user" : "assistant");
                json.WriteString("content", Text(n, m));
                json.WriteString("status", "complete");
                json.WriteString("createdAt", at);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return (id, buffer.ToArray());
    }

    private static string Text(int n, int m)
    {
        var text = new StringBuilder();
        text.Append(m % 2 == 0 ? $"Question {m} of conversation {n}: how does part {m} work? " : $"Answer {m}: ");
        while (text.Length < (m % 2 == 0 ? 120 : 600))
        {
            text.Append("Here is a sentence with **markdown**, `code` and a list:\n- one\n- two\n");
        }
        return text.ToString();
    }
}
