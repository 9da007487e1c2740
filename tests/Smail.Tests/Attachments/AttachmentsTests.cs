using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Attachments;

/// <summary>
/// Files in a conversation: an image reaches a vision model in its server's own shape, a model that cannot see refuses
/// it before anything is sent, text and PDF files become named context, and a file is what its bytes say it is.
/// </summary>
public abstract class AttachmentsTests(UpstreamWire wire) : HostedTest(wire)
{
    private const string VisionModel = "gemma3:4b";

    // The OpenAI API does not say which models see: the configuration does.
    public override Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?> { ["Attachments:MaxImageBytes"] = "4096", ["Attachments:MaxTextCharacters"] = "2000" };
        if (Wire == UpstreamWire.OpenAi)
        {
            settings[$"Upstreams:{SmailApplication.OpenAiUpstream}:VisionModels:0"] = VisionModel;
        }
        return InitializeAsync(settings);
    }

    private async Task<HttpResponseMessage> UploadAsync(string session, byte[] bytes, string name) =>
        await Host.Client.PostAsync($"/api/sessions/{session}/attachments?name={Uri.EscapeDataString(name)}", new ByteArrayContent(bytes));

    private async Task<JsonElement> UploadedAsync(string session, byte[] bytes, string name)
    {
        using var response = await UploadAsync(session, bytes, name);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<HttpResponseMessage> SendAsync(string session, string content, string model, params string[] attachments) =>
        Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content, model, attachments });

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

    [Fact]
    public async Task AnImage_GoesToAVisionModel_InItsServersOwnShape_AndStaysWithTheConversation()
    {
        var session = await Host.CreateSessionAsync(VisionModel);
        var image = await UploadedAsync(session, SampleFiles.Png, "dot.png");
        Assert.Equal("image", image.GetProperty("kind").GetString());
        Assert.Equal("image/png", image.GetProperty("mediaType").GetString());
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A single dot."));

        using var sent = await SendAsync(session, "What is this?", VisionModel, image.GetProperty("id").GetString()!);
        Assert.True(HttpStatusCode.Accepted == sent.StatusCode, await sent.Content.ReadAsStringAsync());
        await Host.Events((await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!).ReadToEndAsync();

        var question = Host.Emulator.Requests.Chats.Single().Json.GetProperty("messages")[0];
        var base64 = Convert.ToBase64String(SampleFiles.Png);
        if (Wire == UpstreamWire.Ollama)
        {
            Assert.Equal("What is this?", question.GetProperty("content").GetString());
            Assert.Equal([base64], question.GetProperty("images").EnumerateArray().Select(i => i.GetString()));
        }
        else
        {
            var parts = question.GetProperty("content");
            Assert.Equal("What is this?", parts[0].GetProperty("text").GetString());
            Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
            Assert.Equal($"data:image/png;base64,{base64}", parts[1].GetProperty("image_url").GetProperty("url").GetString());
        }
        var stored = await Host.GetSessionAsync(session);
        Assert.Equal([image.GetProperty("id").GetString()], stored.GetProperty("messages")[0].GetProperty("attachments").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("dot.png", stored.GetProperty("attachments")[0].GetProperty("name").GetString());

        // Served back whole, as what it is, sandboxed and cacheable for good (its address is its hash).
        using var file = await Host.Client.GetAsync($"/api/sessions/{session}/attachments/{image.GetProperty("id").GetString()}");
        Assert.Equal(SampleFiles.Png, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", file.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains("sandbox", file.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", file.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(file.Headers.CacheControl?.Private);
    }

    [Fact]
    public async Task AModelThatCannotSee_RefusesAnImage_BeforeAnythingIsSent()
    {
        var session = await Host.CreateSessionAsync("llama3.2");
        var image = await UploadedAsync(session, SampleFiles.Png, "dot.png");

        using var sent = await SendAsync(session, "What is this?", "llama3.2", image.GetProperty("id").GetString()!);

        Assert.Equal(HttpStatusCode.BadRequest, sent.StatusCode);
        var problem = await sent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("model_cannot_see", problem.GetProperty("code").GetString());
        Assert.Contains("llama3.2 cannot see images", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(Host.Emulator.Requests.Chats);
        Assert.Equal(0, (await Host.GetSessionAsync(session)).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task RegeneratingAnImagesAnswer_WithAModelThatCannotSee_IsRefusedToo()
    {
        var session = await Host.CreateSessionAsync(VisionModel);
        var image = await UploadedAsync(session, SampleFiles.Png, "dot.png");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A single dot."));
        using var sent = await SendAsync(session, "What is this?", VisionModel, image.GetProperty("id").GetString()!);
        var accepted = await sent.Content.ReadFromJsonAsync<JsonElement>();
        await Host.Events(accepted.GetProperty("eventsUrl").GetString()!).ReadToEndAsync();
        var before = await Host.GetSessionAsync(session);

        using var again = await Host.Client.PostAsJsonAsync(
            $"/api/sessions/{session}/messages/{accepted.GetProperty("assistantMessageId").GetString()}/regenerate", new { model = "llama3.2" });

        Assert.Equal((HttpStatusCode.BadRequest, "model_cannot_see"), (again.StatusCode, await CodeAsync(again)));
        Assert.Single(Host.Emulator.Requests.Chats);
        Assert.Equal(before.GetRawText(), (await Host.GetSessionAsync(session)).GetRawText());
    }

    [Fact]
    public async Task TextAndPdfFiles_BecomeContext_UnderTheirNames()
    {
        var session = await Host.CreateSessionAsync("llama3.2");
        var code = await UploadedAsync(session, "fn main() {\n    println!(\"hi\");\n}\n"u8.ToArray(), "main.rs");
        var pdf = await UploadedAsync(session, SampleFiles.Pdf("Invoice 42: total 17 EUR"), "invoice.pdf");
        Assert.Equal(("text", "text/plain"), (code.GetProperty("kind").GetString(), code.GetProperty("mediaType").GetString()));
        Assert.Equal(("text", "application/pdf"), (pdf.GetProperty("kind").GetString(), pdf.GetProperty("mediaType").GetString()));
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("It prints hi; the total is 17 EUR."));

        using var sent = await SendAsync(session, "Explain both.", "llama3.2", code.GetProperty("id").GetString()!, pdf.GetProperty("id").GetString()!);
        await Host.Events((await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventsUrl").GetString()!).ReadToEndAsync();

        var question = Host.Emulator.Requests.Chats.Single().Json.GetProperty("messages")[0].GetProperty("content").GetString()!;
        Assert.StartsWith("<file name=\"main.rs\">\nfn main() {\n    println!(\"hi\");\n}\n</file>\n", question.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("<file name=\"invoice.pdf\">", question, StringComparison.Ordinal);
        Assert.Contains("Invoice 42: total 17 EUR", question, StringComparison.Ordinal);
        Assert.EndsWith("Explain both.", question, StringComparison.Ordinal);
        // The conversation keeps what the person wrote; the files are named beside it.
        Assert.Equal("Explain both.", (await Host.GetSessionAsync(session)).GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task AFileIsWhatItsBytesSay_NotWhatItsNameSays()
    {
        var session = await Host.CreateSessionAsync(VisionModel);

        var png = await UploadedAsync(session, SampleFiles.Png, "notes.txt");
        var jpeg = await UploadedAsync(session, SampleFiles.Jpeg, "photo");
        var svg = await UploadedAsync(session, SampleFiles.HostileSvg, "cat.png");
        using var executable = await UploadAsync(session, SampleFiles.Executable, "photo.png");

        Assert.Equal(("image", "image/png"), (png.GetProperty("kind").GetString(), png.GetProperty("mediaType").GetString()));
        Assert.Equal("image/jpeg", jpeg.GetProperty("mediaType").GetString());
        // An SVG is never an image here: it goes to the model as text, and comes back as a download of text.
        Assert.Equal("text", svg.GetProperty("kind").GetString());
        using var served = await Host.Client.GetAsync($"/api/sessions/{session}/attachments/{svg.GetProperty("id").GetString()}");
        Assert.Equal("text/plain", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", served.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "unsupported_file"), (executable.StatusCode, await CodeAsync(executable)));
        Assert.Equal(3, (await Host.GetSessionAsync(session)).GetProperty("attachments").GetArrayLength());
    }

    [Fact]
    public async Task BadFiles_AndBadReferences_GetAClearError_AndChangeNothing()
    {
        var session = await Host.CreateSessionAsync(VisionModel);
        var other = await Host.CreateSessionAsync(VisionModel);
        var theirs = await UploadedAsync(other, SampleFiles.Png, "theirs.png");
        var before = await Host.GetSessionAsync(session);

        using var tooBig = await UploadAsync(session, [.. SampleFiles.Png, .. new byte[5000]], "big.png");
        using var tooLong = await UploadAsync(session, Encoding.UTF8.GetBytes(new string('x', 3000)), "long.txt");
        using var brokenPdf = await UploadAsync(session, "%PDF-1.7\nthis is not a PDF at all"u8.ToArray(), "broken.pdf");
        using var empty = await UploadAsync(session, [], "empty.txt");
        using var unknownSession = await UploadAsync("0123456789abcdef0123456789abcdef", SampleFiles.Png, "dot.png");
        using var foreignFile = await SendAsync(session, "Look", VisionModel, theirs.GetProperty("id").GetString()!);
        using var foreignDownload = await Host.Client.GetAsync($"/api/sessions/{session}/attachments/{theirs.GetProperty("id").GetString()}");
        using var pathLike = await Host.Client.GetAsync($"/api/sessions/{session}/attachments/..%2F..%2Faccounts.json");

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "body_too_large"), (tooBig.StatusCode, await CodeAsync(tooBig)));
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "body_too_large"), (tooLong.StatusCode, await CodeAsync(tooLong)));
        Assert.Equal((HttpStatusCode.BadRequest, "unreadable_file"), (brokenPdf.StatusCode, await CodeAsync(brokenPdf)));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "unsupported_file"), (empty.StatusCode, await CodeAsync(empty)));
        Assert.Equal((HttpStatusCode.NotFound, "session_not_found"), (unknownSession.StatusCode, await CodeAsync(unknownSession)));
        Assert.Equal((HttpStatusCode.NotFound, "attachment_not_found"), (foreignFile.StatusCode, await CodeAsync(foreignFile)));
        Assert.Equal((HttpStatusCode.NotFound, "attachment_not_found"), (foreignDownload.StatusCode, await CodeAsync(foreignDownload)));
        Assert.Equal(HttpStatusCode.NotFound, pathLike.StatusCode);
        Assert.Equal(before.GetRawText(), (await Host.GetSessionAsync(session)).GetRawText());
        Assert.Empty(Host.Emulator.Requests.Chats);
    }
}

public sealed class AttachmentsTestsOverOllama() : AttachmentsTests(UpstreamWire.Ollama);

public sealed class AttachmentsTestsOverOpenAi() : AttachmentsTests(UpstreamWire.OpenAi);
