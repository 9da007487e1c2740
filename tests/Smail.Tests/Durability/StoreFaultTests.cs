using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Sessions;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Durability;

/// <summary>A damaged file, a read-only or full disk, many writers: the store stays trustworthy and says what happened.</summary>
public sealed class StoreFaultTests
{
    private static async Task<string> SeedAsync(TestHost host, string question, string answer)
    {
        host.Emulator.Scripts.Enqueue(ChatScript.Answer(answer));
        var session = await host.CreateSessionAsync();
        await host.Events((await host.SendAsync(session, question)).EventsUrl).ReadToEndAsync();
        return session;
    }

    [Fact]
    public async Task ACorruptFile_IsMovedAside_Reported_AndEveryOtherConversationWorks()
    {
        var store = Directory.CreateTempSubdirectory("smail-store-").FullName;
        var corruptId = SmailIds.New();
        await File.WriteAllTextAsync(Path.Combine(store, corruptId + ".json"), "{\"id\":\"" + corruptId + "\",\"title\":\"trunc");
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Storage:Path"] = store });
        var good = await SeedAsync(host, "Still here?", "Yes.");

        var health = await host.Client.GetFromJsonAsync<JsonElement>("/api/health");
        var list = await host.Client.GetFromJsonAsync<JsonElement>("/api/sessions");

        var quarantined = Assert.Single(health.GetProperty("store").GetProperty("quarantined").EnumerateArray());
        Assert.Equal(corruptId + ".json", quarantined.GetProperty("file").GetString());
        Assert.True(File.Exists(quarantined.GetProperty("movedTo").GetString()));
        Assert.False(File.Exists(Path.Combine(store, corruptId + ".json")));
        Assert.Equal([good], list.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        await host.DisposeAsync();
        Directory.Delete(store, recursive: true);
    }

    [Fact]
    public async Task AReadOnlyStore_RefusesNewConversationsWithAClearError_JournalsAnswers_AndCatchesUpWhenWritableAgain()
    {
        await using var host = await TestHost.StartAsync();
        var existing = await SeedAsync(host, "Keep me", "Kept.");
        var file = Path.Combine(host.App.StorePath, existing + ".json");
        var before = await StoredFile.WaitUntilAsync(file, text => text.Contains("Kept.", StringComparison.Ordinal));

        HttpResponseMessage create;
        JsonElement health;
        List<ReceivedEvent> answer;
        using (DiskFaults.MakeReadOnly(host.App.StorePath))
        {
            create = await host.Client.PostAsJsonAsync("/api/sessions", new { model = "llama3.2" });
            host.Emulator.Scripts.Enqueue(ChatScript.Answer("Journaled."));
            answer = await host.Events((await host.SendAsync(existing, "More")).EventsUrl).ReadToEndAsync();
            health = await host.Client.GetFromJsonAsync<JsonElement>("/api/health");
            Assert.Equal(before, await File.ReadAllTextAsync(file));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
        var problem = await create.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("storage_unavailable", problem.GetProperty("code").GetString());
        Assert.Contains(host.App.StorePath, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("done", answer[^1].Type);
        Assert.False(health.GetProperty("store").GetProperty("writable").GetBoolean());
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal(4, (await host.GetSessionAsync(existing)).GetProperty("messages").GetArrayLength());
        await StoredFile.WaitUntilAsync(file, text => text.Contains("Journaled.", StringComparison.Ordinal));
        await SeedAsync(host, "Writable again?", "Yes.");
    }

    [Fact]
    public async Task AFileThatCannotEvenBeOpened_AffectsOnlyItsOwnConversation_AndHealthNamesIt()
    {
        var store = Path.Combine(Path.GetTempPath(), "smail-unreadable-" + Guid.NewGuid().ToString("N"));
        var unreadableId = SmailIds.New();
        // A link to nothing where a conversation file should be: no read of it can succeed, not even root's.
        Directory.CreateDirectory(store);
        File.CreateSymbolicLink(Path.Combine(store, unreadableId + ".json"), Path.Combine(store, "gone", "nowhere.json"));
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Storage:Path"] = store });

        var seeded = await SeedAsync(host, "Still works", "Yes.");
        var health = await host.Client.GetFromJsonAsync<JsonElement>("/api/health");
        using var missing = await host.Client.GetAsync($"/api/sessions/{unreadableId}");

        var named = Assert.Single(health.GetProperty("store").GetProperty("quarantined").EnumerateArray());
        Assert.Equal(unreadableId + ".json", named.GetProperty("file").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(2, (await host.GetSessionAsync(seeded)).GetProperty("messages").GetArrayLength());
        Assert.Contains(host.App.Logs.All, l => l.Message.Contains(unreadableId, StringComparison.Ordinal));
        await host.DisposeAsync();
        Directory.Delete(store, recursive: true);
    }

    [Fact]
    public async Task AFullDisk_FailsTheWriteThatDidNotFit_AndLosesNothingStored()
    {
        var disk = Path.Combine(Path.GetTempPath(), "smail-full-" + Guid.NewGuid().ToString("N"));
        using (DiskFaults.MountTinyDisk(disk, 256 * 1024))
        {
            await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Storage:Path"] = Path.Combine(disk, "store") });
            var existing = await SeedAsync(host, "Before the disk filled", "Safe.");
            var before = await StoredFile.WaitUntilAsync(Path.Combine(disk, "store", existing + ".json"), text => text.Contains("Safe.", StringComparison.Ordinal));
            DiskFaults.Fill(disk);

            using var rename = await host.Client.PatchAsJsonAsync($"/api/sessions/{existing}", new { title = new string('x', 150) });

            Assert.Equal(HttpStatusCode.ServiceUnavailable, rename.StatusCode);
            Assert.Equal("storage_unavailable", (await rename.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(disk, "store", existing + ".json")));
            Assert.Equal("Before the disk filled", (await host.GetSessionAsync(existing)).GetProperty("title").GetString());
            Assert.Empty(Directory.GetFiles(Path.Combine(disk, "store"), "*.tmp"));

            // The journal cannot take the message either: refused, and the conversation stays as it was.
            using var send = await host.Client.PostAsJsonAsync($"/api/sessions/{existing}/messages", new { content = new string('y', 90_000) });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, send.StatusCode);
            Assert.Equal(2, (await host.GetSessionAsync(existing)).GetProperty("messages").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, (await host.GetSessionAsync(existing)).GetProperty("activeGenerationId").ValueKind);
        }
        Directory.Delete(disk, recursive: true);
    }

    [Fact]
    public async Task ManyConcurrentRequestsToOneConversation_LeaveAValidFile_WithTheLastChangeInMemoryAndOnDisk()
    {
        await using var host = await TestHost.StartAsync();
        var session = await host.CreateSessionAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            host.Client.PatchAsJsonAsync($"/api/sessions/{session}", new { title = $"Title {i}", systemPrompt = $"Prompt {i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var served = await host.GetSessionAsync(session);
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(host.App.StorePath, session + ".json")));
        Assert.Equal(served.GetProperty("title").GetString(), file.RootElement.GetProperty("title").GetString());
        var n = served.GetProperty("title").GetString()!["Title ".Length..];
        Assert.Equal($"Prompt {n}", file.RootElement.GetProperty("systemPrompt").GetString());
    }

    [Fact]
    public async Task AFileFromANewerSmail_IsReadForwardCompatibly()
    {
        var store = Directory.CreateTempSubdirectory("smail-store-").FullName;
        var id = SmailIds.New();
        await File.WriteAllTextAsync(Path.Combine(store, id + ".json"), $$"""
            {
              "schemaVersion": 7,
              "id": "{{id}}",
              "title": "From the future",
              "model": "llama3.2",
              "createdAt": "2027-01-01T00:00:00+00:00",
              "updatedAt": "2027-01-01T00:00:00+00:00",
              "folder": "work",
              "messages": [
                { "id": "{{SmailIds.New()}}", "role": "user", "content": "Hi", "status": "complete",
                  "createdAt": "2027-01-01T00:00:00+00:00", "reactions": [ { "emoji": "👍" } ] }
              ]
            }
            """);
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Storage:Path"] = store });

        var session = await host.GetSessionAsync(id);

        Assert.Equal("From the future", session.GetProperty("title").GetString());
        Assert.Equal("Hi", session.GetProperty("messages")[0].GetProperty("content").GetString());
        await host.DisposeAsync();
        Directory.Delete(store, recursive: true);
    }
}
