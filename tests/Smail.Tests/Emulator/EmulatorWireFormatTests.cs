using System.Net;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Emulator;

/// <summary>The emulator is only useful if it speaks Ollama's wire format exactly; these pin the details.</summary>
public sealed class EmulatorWireFormatTests : EmulatorTest
{
    private async Task<(HttpResponseMessage Response, string[] Lines)> ChatAsync(string body)
    {
        var response = await Http.PostAsync("/api/chat", new StringContent(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Chat_IsCompactNdjson_WithGoEscaping_AndAFinalLineInOllamasFieldOrder()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("<b>&ü") with { PromptEvalCount = 3 });

        var (response, lines) = await ChatAsync("""{"model":"llama3.2","messages":[{"role":"user","content":"hi"}],"unknown":true}""");

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Matches("""^\{"model":"llama3.2","created_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z","message":\{"role":"assistant","content":"\\u003cb\\u003e\\u0026ü"\},"done":false\}$""", lines[0]);
        Assert.Matches("""^\{"model":"llama3.2","created_at":"[^"]+","message":\{"role":"assistant","content":""\},"done_reason":"stop","done":true,"total_duration":\d+,"prompt_eval_count":3,"eval_count":1,"eval_duration":\d+\}$""", lines[^1]);
    }

    [Theory]
    [InlineData("", 400, "missing request body")]
    [InlineData("{\"messages\":[]}", 400, "model is required")]
    [InlineData("{\"model\":\"nope\"}", 404, "model 'nope' not found")]
    [InlineData("{\"model\":\"llama3.2\",\"think\":true}", 400, "\"llama3.2\" does not support thinking")]
    public async Task Chat_RejectsLikeOllama_WithAnErrorBody(string body, int status, string message)
    {
        var (response, lines) = await ChatAsync(body);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal(message, JsonDocument.Parse(lines[0]).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Root_SaysOllamaIsRunning()
    {
        Assert.Equal("Ollama is running", await Http.GetStringAsync("/"));
    }
}
