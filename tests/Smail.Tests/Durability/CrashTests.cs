using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Durability;

/// <summary>Smail as a real process, killed with SIGKILL mid-answer, restarted on the same store.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task AfterKill9MidAnswer_TheConversationKeepsTheQuestionAndThePartialAnswer_LosingAtMostHalfASecond()
    {
        await using var emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        var words = Enumerable.Range(0, 400).Select(i => $" w{i}").ToArray();
        emulator.Scripts.Enqueue(ChatScript.Answer(words).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        var store = Directory.CreateTempSubdirectory("smail-crash-").FullName;
        string session;
        long killedAt;
        await using (var smail = await SmailProcess.StartAsync(emulator.BaseAddress, store))
        {
            using var http = new HttpClient { BaseAddress = smail.Address };
            using var created = await http.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
            session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            using var sent = await http.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Count slowly" });
            sent.EnsureSuccessStatusCode();
            await Task.Delay(TimeSpan.FromSeconds(2));

            killedAt = Stopwatch.GetTimestamp();
            await smail.KillAsync();
        }
        var sentBeforeKill = emulator.Requests.Chats[0].ChunkSentTimestamps.Where(t => t < killedAt).ToList();

        await using var restarted = await SmailProcess.StartAsync(emulator.BaseAddress, store);
        using var client = new HttpClient { BaseAddress = restarted.Address };
        var messages = (await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages");

        Assert.Equal("Count slowly", messages[0].GetProperty("content").GetString());
        var answer = messages[1];
        Assert.Equal("interrupted", answer.GetProperty("status").GetString());
        var kept = answer.GetProperty("content").GetString()!;
        Assert.StartsWith(kept, string.Concat(words), StringComparison.Ordinal);
        var halfASecondBeforeKill = killedAt - Stopwatch.Frequency / 2;
        var mustHave = string.Concat(words.Take(sentBeforeKill.Count(t => t < halfASecondBeforeKill)));
        Assert.StartsWith(mustHave, kept, StringComparison.Ordinal);
        Assert.True(kept.Length > 0);
        Directory.Delete(store, recursive: true);
    }

    [Fact]
    public async Task AnInterruptedAnswer_CanBeContinuedAfterTheRestart()
    {
        await using var emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 400).Select(i => $" a{i}")]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        var store = Directory.CreateTempSubdirectory("smail-crash-").FullName;
        string session, answerId;
        await using (var smail = await SmailProcess.StartAsync(emulator.BaseAddress, store))
        {
            using var http = new HttpClient { BaseAddress = smail.Address };
            using var created = await http.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
            session = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            using var sent = await http.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "Go" });
            answerId = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assistantMessageId").GetString()!;
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await smail.KillAsync();
        }
        await using var restarted = await SmailProcess.StartAsync(emulator.BaseAddress, store);
        using var client = new HttpClient { BaseAddress = restarted.Address };
        var kept = (await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages")[1].GetProperty("content").GetString()!;
        emulator.Scripts.Enqueue(ChatScript.Answer(" and the end."));

        using var continued = await client.PostAsync($"/api/sessions/{session}/messages/{answerId}/continue", null);
        var eventsUrl = (await continued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!;
        var events = await new SseClient(client, eventsUrl).ReadToEndAsync();

        Assert.Equal(kept + " and the end.", events.AnswerText());
        var final = (await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}")).GetProperty("messages")[1];
        Assert.Equal("complete", final.GetProperty("status").GetString());
        Assert.Equal(kept + " and the end.", final.GetProperty("content").GetString());
        Directory.Delete(store, recursive: true);
    }
}
