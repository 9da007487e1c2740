using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Transfer;

/// <summary>
/// A conversation downloads as Markdown or as Smail's JSON, and conversations come in from Smail's JSON, ChatGPT's
/// conversations.json and Open WebUI's export (real-shaped samples written from the public formats, in Samples/).
/// A file that is none of these, or is broken or hostile, is refused whole with 400 unsupported_import and creates nothing.
/// </summary>
public sealed class ExportImportTests : HostedTest
{
    public override Task InitializeAsync() => InitializeAsync(new Dictionary<string, string?> { ["Import:MaxBytes"] = "65536" });

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Transfer", "Samples", name));

    private async Task<string> AnsweredConversationAsync()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A **lifetime** names ", "how long a reference lives.").WithThinking("Keep it short."));
        var id = await Host.CreateSessionAsync(model: "qwen3:8b", systemPrompt: "Be brief.");
        await Host.Events((await Host.SendAsync(id, "What is a lifetime?")).EventsUrl).ReadToEndAsync();
        using var rename = await Host.Client.PatchAsJsonAsync($"/api/sessions/{id}", new { title = "Rust: lifetimes / borrowing?" });
        rename.EnsureSuccessStatusCode();
        return id;
    }

    private async Task<HttpResponseMessage> ImportAsync(string body) =>
        await Host.Client.PostAsync("/api/sessions/import", new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task<string[]> ImportedIdsAsync(string body)
    {
        using var response = await ImportAsync(body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessions").EnumerateArray().Select(s => s.GetString()!)];
    }

    private async Task<int> ConversationCountAsync() =>
        (await Host.Client.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("sessions").GetArrayLength();

    private static (string Role, string Content, string? Thinking)[] Turns(JsonElement session) =>
        [.. session.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!,
            m.TryGetProperty("thinking", out var t) ? t.GetString() : null))];

    [Fact]
    public async Task Markdown_IsADownloadNamedAfterTheTitle_WithEveryTurn()
    {
        var id = await AnsweredConversationAsync();

        using var response = await Host.Client.GetAsync($"/api/sessions/{id}/export?format=markdown");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Rust-lifetimes-borrowing.md", response.Content.Headers.ContentDisposition?.FileNameStar);
        var markdown = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("# Rust: lifetimes / borrowing?\n", markdown, StringComparison.Ordinal);
        Assert.Contains("Model: `qwen3:8b`", markdown, StringComparison.Ordinal);
        Assert.Contains("## System prompt\n\nBe brief.", markdown, StringComparison.Ordinal);
        Assert.Contains("## You\n\nWhat is a lifetime?", markdown, StringComparison.Ordinal);
        Assert.Contains("## Assistant (qwen3:8b)\n\n<details><summary>Thinking</summary>\n\nKeep it short.", markdown, StringComparison.Ordinal);
        Assert.Contains("A **lifetime** names how long a reference lives.", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmailJson_RoundTrips_IntoANewConversationWithEverything()
    {
        var id = await AnsweredConversationAsync();
        // A second version of the answer, and the first one shown: both versions travel, and which was shown.
        var firstAnswer = (await Host.GetSessionAsync(id)).GetProperty("messages")[1].GetProperty("id").GetString();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("Another take."));
        using (var regenerate = await Host.Client.PostAsync($"/api/sessions/{id}/messages/{firstAnswer}/regenerate", null))
        {
            await Host.Events((await regenerate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!).ReadToEndAsync();
        }
        (await Host.Client.PostAsync($"/api/sessions/{id}/messages/{firstAnswer}/select", null)).Dispose();
        var original = await Host.GetSessionAsync(id);

        using var response = await Host.Client.GetAsync($"/api/sessions/{id}/export?format=json");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Rust-lifetimes-borrowing.json", response.Content.Headers.ContentDisposition?.FileNameStar);
        var export = await response.Content.ReadAsStringAsync();
        Assert.Equal("smail.conversation", JsonDocument.Parse(export).RootElement.GetProperty("format").GetString());
        Assert.DoesNotContain(id, export, StringComparison.Ordinal);

        var copy = Assert.Single(await ImportedIdsAsync(export));
        Assert.NotEqual(id, copy);
        var imported = await Host.GetSessionAsync(copy);
        Assert.Equal(original.GetProperty("title").GetString(), imported.GetProperty("title").GetString());
        Assert.Equal("qwen3:8b", imported.GetProperty("model").GetString());
        Assert.Equal("Be brief.", imported.GetProperty("systemPrompt").GetString());
        Assert.Equal(Turns(original), Turns(imported));
        var answer = imported.GetProperty("messages")[1];
        var versions = imported.GetProperty("siblings").GetProperty(answer.GetProperty("id").GetString()!);
        Assert.Equal([answer.GetProperty("id").GetString(), versions[1].GetString()], versions.EnumerateArray().Select(v => v.GetString()));
        using var other = await Host.Client.PostAsync($"/api/sessions/{copy}/messages/{versions[1].GetString()}/select", null);
        Assert.Equal("Another take.", Turns(await other.Content.ReadFromJsonAsync<JsonElement>())[1].Content);
        Assert.Equal("complete", answer.GetProperty("status").GetString());
        Assert.Equal(original.GetProperty("messages")[1].GetProperty("stats").GetRawText(), answer.GetProperty("stats").GetRawText());
        Assert.Equal(original.GetProperty("createdAt").GetDateTimeOffset(), imported.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(2, await ConversationCountAsync());
    }

    [Fact]
    public async Task TheFilesAMessageCarried_TravelInSmailsJson_AndComeBackWhole_WhileMarkdownNamesThem()
    {
        var id = await Host.CreateSessionAsync(model: "gemma3:4b");
        var ids = new List<string>();
        foreach (var (name, bytes) in new[] { ("dot.png", Attachments.SampleFiles.Png), ("notes.md", "# Notes\n\nFriday."u8.ToArray()) })
        {
            using var uploaded = await Host.Client.PostAsync($"/api/sessions/{id}/attachments?name={name}", new ByteArrayContent(bytes));
            ids.Add((await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A dot, and a meeting on Friday."));
        using (var sent = await Host.Client.PostAsJsonAsync($"/api/sessions/{id}/messages", new { content = "What are these?", attachments = ids }))
        {
            await Host.Events((await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!).ReadToEndAsync();
        }

        var markdown = await Host.Client.GetStringAsync($"/api/sessions/{id}/export?format=markdown");
        Assert.Contains("## You\n\n_Files: `dot.png`, `notes.md`_\n\nWhat are these?", markdown, StringComparison.Ordinal);
        var copy = Assert.Single(await ImportedIdsAsync(await Host.Client.GetStringAsync($"/api/sessions/{id}/export?format=json")));

        var imported = await Host.GetSessionAsync(copy);
        Assert.Equal(ids, imported.GetProperty("messages")[0].GetProperty("attachments").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["dot.png", "notes.md"], imported.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(Attachments.SampleFiles.Png, await Host.Client.GetByteArrayAsync($"/api/sessions/{copy}/attachments/{ids[0]}"));
    }

    [Fact]
    public async Task ChatGptsConversationsJson_BecomesOneConversationEach_ItsTreeBranches_ShowingTheBranchItShowed()
    {
        var ids = await ImportedIdsAsync(Sample("chatgpt-conversations.json"));

        Assert.Equal(2, ids.Length);
        var sourdough = await Host.GetSessionAsync(ids[0]);
        Assert.Equal("Sourdough starter help", sourdough.GetProperty("title").GetString());
        Assert.Equal("o3", sourdough.GetProperty("model").GetString());
        Assert.Equal(1717236000123, sourdough.GetProperty("createdAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        // The current node's branch: the regenerated answer with its reasoning, not the first one; the hidden system
        // message, the image, the tool call and its output stay behind.
        Assert.Equal([
            ("user", "My sourdough starter smells like nail polish. Is it dead?", null),
            ("assistant", "It is alive but starving. Feed it 1:1:1 and keep it warm.", "Acetone means the yeast ran out of food."),
            ("user", "How does it look now?", null),
            ("assistant", "Lots of bubbles: it is ready to bake with.", null),
        ], Turns(sourdough));
        Assert.Equal("o3", sourdough.GetProperty("messages")[1].GetProperty("model").GetString());
        // The first answer is the other version of the second message.
        var versions = sourdough.GetProperty("siblings").GetProperty(sourdough.GetProperty("messages")[1].GetProperty("id").GetString()!);
        Assert.Equal(2, versions.GetArrayLength());
        using var first = await Host.Client.PostAsync($"/api/sessions/{ids[0]}/messages/{versions[0].GetString()}/select", null);
        Assert.StartsWith("No, that acetone smell means it is **hungry**.", Turns(await first.Content.ReadFromJsonAsync<JsonElement>())[1].Content, StringComparison.Ordinal);
        var haiku = await Host.GetSessionAsync(ids[1]);
        Assert.Equal("Haiku about rain", haiku.GetProperty("title").GetString());
        Assert.Equal("Soft rain on the roof\nthe gutters hum their one note\nthe kettle answers", Turns(haiku)[1].Content);
    }

    [Fact]
    public async Task OpenWebUisExport_BecomesAConversation_WithItsSystemPromptReasoningAndBranches()
    {
        var id = Assert.Single(await ImportedIdsAsync(Sample("open-webui-export.json")));

        var chat = await Host.GetSessionAsync(id);
        Assert.Equal("Rust lifetimes", chat.GetProperty("title").GetString());
        Assert.Equal("qwen3:8b", chat.GetProperty("model").GetString());
        Assert.Equal("Answer like a patient teacher.", chat.GetProperty("systemPrompt").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1721900000), chat.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal([
            ("user", "What does 'a mean in fn f<'a>(x: &'a str)?", null),
            ("assistant", "`'a` names a **lifetime**: the returned reference lives as long as `x`.", "The user asks about lifetime parameters.\nExplain simply."),
            ("user", "Thanks! And 'static?", null),
            ("assistant", "`'static` means the data lives for the whole program, like string literals.", null),
        ], Turns(chat));
        var versions = chat.GetProperty("siblings").GetProperty(chat.GetProperty("messages")[1].GetProperty("id").GetString()!);
        using var old = await Host.Client.PostAsync($"/api/sessions/{id}/messages/{versions[0].GetString()}/select", null);
        Assert.Equal(["What does 'a mean in fn f<'a>(x: &'a str)?", "An old answer that was regenerated."],
            Turns(await old.Content.ReadFromJsonAsync<JsonElement>()).Select(t => t.Content));
    }

    [Fact]
    public async Task AnImportedConversation_CanBeContinued()
    {
        var id = Assert.Single(await ImportedIdsAsync(Sample("open-webui-export.json")));
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("It is a named lifetime."));

        await Host.Events((await Host.SendAsync(id, "And '_?", model: "llama3.2")).EventsUrl).ReadToEndAsync();

        var sent = Host.Emulator.Requests.Chats.Single().Json.GetProperty("messages");
        Assert.Equal(["system", "user", "assistant", "user", "assistant", "user"], sent.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(6, (await Host.GetSessionAsync(id)).GetProperty("messages").GetArrayLength());
    }

    public static TheoryData<string, string, string> RefusedFiles => new()
    {
        { "not JSON", "title,content\nhello,world", "not valid JSON" },
        { "truncated", Sample("open-webui-export.json")[..400], "not valid JSON" },
        { "a number", "42", "is not a Smail export" },
        { "an empty array", "[]", "holds no conversations" },
        { "something else", "[{\"name\": \"a shopping list\", \"items\": [\"milk\"]}]", "is not a Smail export, ChatGPT's conversations.json or an Open WebUI export" },
        { "deeply nested", new string('[', 5000) + new string(']', 5000), "not valid JSON" },
        {
            "a ChatGPT loop", """
            [{"title": "loop", "current_node": "a", "mapping": {
              "a": {"id": "a", "parent": "b", "children": [], "message": {"author": {"role": "user"}, "content": {"content_type": "text", "parts": ["hi"]}}},
              "b": {"id": "b", "parent": "a", "children": ["a"], "message": null}}}]
            """, "in a loop"
        },
        { "a ChatGPT current node it lacks", """[{"title": "x", "current_node": "nowhere", "mapping": {"a": {"id": "a", "parent": null, "children": []}}}]""", "does not hold" },
        { "an Open WebUI loop", """[{"title": "x", "chat": {"history": {"currentId": "a", "messages": {"a": {"id": "a", "parentId": "a", "role": "user", "content": "hi"}}}}}]""", "in a loop" },
        { "a newer Smail", """{"format": "smail.conversation", "version": 99, "conversation": {"title": "x", "messages": []}}""", "newer Smail" },
        { "a system message mid-conversation", """{"format": "smail.conversation", "version": 1, "conversation": {"title": "x", "messages": [{"role": "system", "content": "obey", "status": "complete"}]}}""", "only user and assistant" },
        { "a message without text", """{"format": "smail.conversation", "version": 1, "conversation": {"title": "x", "messages": [{"role": "user", "content": 7}]}}""", "has no text" },
        { "an executable among the files", """{"format": "smail.conversation", "version": 2, "conversation": {"title": "x", "files": [{"name": "cat.png", "mediaType": "image/png", "data": "f0VMRgIBAQAAAAAAAAAAAA=="}], "messages": [{"role": "user", "content": "hi", "status": "complete", "attachments": [0]}]}}""", "“cat.png” is not an image" },
        { "a file that is not base64", """{"format": "smail.conversation", "version": 2, "conversation": {"title": "x", "files": [{"name": "a.txt", "data": "%%%"}], "messages": []}}""", "not base64" },
        { "a message naming a file it lacks", """{"format": "smail.conversation", "version": 2, "conversation": {"title": "x", "messages": [{"role": "user", "content": "hi", "status": "complete", "attachments": [3]}]}}""", "names a file the export does not hold" },
        { "options that are not options", """{"format": "smail.conversation", "version": 1, "conversation": {"title": "x", "options": {"num_ctx": {"a": 1}}, "messages": []}}""", "Options are" },
    };

    [Theory]
    [MemberData(nameof(RefusedFiles))]
    public async Task ABadFile_IsRefusedWhole_AndCreatesNothing(string what, string body, string reason)
    {
        var before = await ConversationCountAsync();

        using var response = await ImportAsync(body);

        Assert.True(HttpStatusCode.BadRequest == response.StatusCode, what);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unsupported_import", problem.GetProperty("code").GetString());
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await ConversationCountAsync());
    }

    [Fact]
    public async Task AFileWithOneBadConversationAmongGoodOnes_CreatesNoneOfThem()
    {
        var good = JsonDocument.Parse(Sample("chatgpt-conversations.json")).RootElement;
        var body = $"[{good[0].GetRawText()}, {good[1].GetRawText()}, {{\"title\": \"broken\", \"current_node\": \"gone\", \"mapping\": {{}}}}]";

        using var response = await ImportAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not hold", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await ConversationCountAsync());
    }

    [Fact]
    public async Task AFileLargerThanImportMaxBytes_Is413_NamingTheSetting_AndCreatesNothing()
    {
        var huge = JsonSerializer.Serialize(new
        {
            format = "smail.conversation", version = 1,
            conversation = new { title = "big", messages = new[] { new { role = "user", content = new string('x', 70_000) } } },
        });

        using var response = await ImportAsync(huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("body_too_large", problem.GetProperty("code").GetString());
        Assert.Contains("Import:MaxBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await ConversationCountAsync());
    }

    [Fact]
    public async Task HostileText_IsImportedAsText_ForThePagesSanitizerToShowInertly()
    {
        const string Hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>[x](javascript:alert(3))";
        var body = JsonSerializer.Serialize(new
        {
            format = "smail.conversation", version = 1,
            conversation = new { title = "<b>bold</b>\nsecond line", messages = new[] { new { role = "user", content = Hostile, status = "complete" } } },
        });

        var id = Assert.Single(await ImportedIdsAsync(body));

        var session = await Host.GetSessionAsync(id);
        Assert.Equal("<b>bold</b> second line", session.GetProperty("title").GetString());
        Assert.Equal(Hostile, session.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Export_OfAnUnknownConversation_Is404_AndAnUnknownFormatIs400()
    {
        var id = await Host.CreateSessionAsync();

        using var unknown = await Host.Client.GetAsync("/api/sessions/nope/export?format=json");
        using var format = await Host.Client.GetAsync($"/api/sessions/{id}/export?format=pdf");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("session_not_found", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, format.StatusCode);
        Assert.Equal("invalid_format", (await format.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
