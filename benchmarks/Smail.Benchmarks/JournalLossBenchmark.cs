using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Benchmarks;

/// <summary>
/// The journal's real loss window: Smail killed with SIGKILL mid-answer, restarted, and the kept answer
/// compared with what a listener had received and when. The window of a kill is the age, at the kill, of
/// the oldest text a listener had that the restarted Smail does not have (0 when nothing it saw was lost).
/// </summary>
internal static class JournalLossBenchmark
{
    public static async Task<(int Kills, int WithLoss, double MaxWindowMs, int LostChunksMax)> RunAsync(OllamaEmulator.OllamaEmulator emulator, int kills)
    {
        var random = new Random(42);
        var withLoss = 0;
        var maxWindow = 0.0;
        var lostMax = 0;
        for (var k = 0; k < kills; k++)
        {
            var words = Enumerable.Range(0, 2000).Select(i => $" w{i}").ToArray();
            emulator.Scripts.Enqueue(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(5)));
            var store = Directory.CreateTempSubdirectory("smail-loss-").FullName;
            var received = new List<(long At, string Text)>();
            string session;
            long killedAt;
            await using (var smail = await SmailProcess.StartAsync(emulator.BaseAddress, store))
            {
                using var http = new HttpClient { BaseAddress = smail.Address };
                using var created = await http.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
                session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                using var sent = await http.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Count" });
                var eventsUrl = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!;
                var killAfter = random.Next(50, 400);
                using var response = await http.GetAsync(eventsUrl, HttpCompletionOption.ResponseHeadersRead);
                await using var stream = await response.Content.ReadAsStreamAsync();
                await foreach (var item in SseParser.Create(stream).EnumerateAsync())
                {
                    if (item.EventType == "delta")
                    {
                        received.Add((Stopwatch.GetTimestamp(), JsonDocument.Parse(item.Data).RootElement.GetProperty("text").GetString()!));
                        if (received.Count == killAfter)
                        {
                            break;
                        }
                    }
                }
                killedAt = Stopwatch.GetTimestamp();
                await smail.KillAsync();
            }
            await using (var restarted = await SmailProcess.StartAsync(emulator.BaseAddress, store))
            {
                using var http = new HttpClient { BaseAddress = restarted.Address };
                var kept = (await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages")[1].GetProperty("content").GetString()!;
                var keptChunks = 0;
                var length = 0;
                foreach (var (_, text) in received)
                {
                    if (length + text.Length > kept.Length)
                    {
                        break;
                    }
                    length += text.Length;
                    keptChunks++;
                }
                if (keptChunks < received.Count)
                {
                    withLoss++;
                    lostMax = Math.Max(lostMax, received.Count - keptChunks);
                    maxWindow = Math.Max(maxWindow, Stopwatch.GetElapsedTime(received[keptChunks].At, killedAt).TotalMilliseconds);
                }
            }
            Directory.Delete(store, recursive: true);
        }
        return (kills, withLoss, maxWindow, lostMax);
    }
}
