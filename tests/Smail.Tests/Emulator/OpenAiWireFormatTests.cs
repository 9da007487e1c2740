using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Emulator;

/// <summary>
/// The emulator's OpenAI-compatible side (/v1), pinned to the framing vLLM, llama.cpp and the hosted APIs send:
/// the role-only first chunk, deltas, <c>finish_reason</c>, the usage chunk with no choices, <c>[DONE]</c>,
/// reasoning fields, error bodies, <c>Retry-After</c>, an error inside a 200 stream, and prompt disconnects.
/// </summary>
public sealed class OpenAiWireFormatTests : EmulatorTest
{
    private static object Request(bool stream = true, bool usage = true, string model = "llama3.2") => new
    {
        model,
        messages = new object[] { new { role = "user", content = "hi" } },
        stream,
        stream_options = usage ? new { include_usage = true } : null,
    };

    /// <summary>The <c>data:</c> payloads of a stream, in order; every event ends with a blank line.</summary>
    private async Task<(HttpResponseMessage Response, List<string> Data)> StreamAsync(object body)
    {
        var response = await Http.PostAsJsonAsync("/v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        return (response, [.. events.Select(e => e["data: ".Length..])]);
    }

    private static JsonElement Delta(string data) => JsonDocument.Parse(data).RootElement.GetProperty("choices")[0].GetProperty("delta");

    [Fact]
    public async Task AStream_StartsWithTheRole_CarriesTheText_ThenTheReason_TheUsage_AndDone()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("Hel", "lo <b>", "ü") with { PromptEvalCount = 7 });

        var (response, data) = await StreamAsync(Request());

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("assistant", Delta(data[0]).GetProperty("role").GetString());
        Assert.Equal("Hello <b>ü", string.Concat(data.Skip(1).Take(3).Select(d => Delta(d).GetProperty("content").GetString())));
        var finish = JsonDocument.Parse(data[4]).RootElement;
        Assert.Equal("stop", finish.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = JsonDocument.Parse(data[5]).RootElement;
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(7, usage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("[DONE]", data[^1]);
        Assert.Equal(7, data.Count);
        // One completion id and object type throughout, as the real servers send.
        Assert.Single(data.SkipLast(1).Select(d => JsonDocument.Parse(d).RootElement.GetProperty("id").GetString()).Distinct());
        Assert.All(data.SkipLast(1), d => Assert.Equal("chat.completion.chunk", JsonDocument.Parse(d).RootElement.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task WithoutIncludeUsage_ThereIsNoUsageChunk_AndALengthCutSaysLength()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("a", "b") with { DoneReason = "length" });
        var (_, data) = await StreamAsync(Request(usage: false));
        Assert.Equal("length", JsonDocument.Parse(data[^2]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.DoesNotContain(data, d => d.Contains("\"usage\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("reasoning_content")]
    [InlineData("reasoning")]
    public async Task Reasoning_ArrivesInTheFieldTheServerUses(string field)
    {
        Emulator.OpenAi.ReasoningField = field;
        Emulator.Scripts.Enqueue(ChatScript.Answer("Answer.").WithThinking("Let me ", "think."));
        var (_, data) = await StreamAsync(Request());
        Assert.Equal("Let me think.", string.Concat(data.Skip(1).Take(2).Select(d => Delta(d).GetProperty(field).GetString())));
        Assert.Equal("Answer.", Delta(data[3]).GetProperty("content").GetString());
    }

    [Fact]
    public async Task AnErrorInsideTheStream_IsADataLineWithAnErrorObject_AndNoDone()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("one", "two", "three").ErrorLineAfter(2, "CUDA error: out of memory"));
        var (response, data) = await StreamAsync(Request());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = JsonDocument.Parse(data[^1]).RootElement.GetProperty("error");
        Assert.Equal("CUDA error: out of memory", error.GetProperty("message").GetString());
        Assert.DoesNotContain("[DONE]", data);
    }

    [Fact]
    public async Task Errors_HaveOpenAisBody_AndA429SaysWhenToRetry()
    {
        Emulator.Scripts.Enqueue(ChatScript.Status(429, "Rate limit reached") with { RetryAfter = TimeSpan.FromSeconds(1) });
        using var limited = await Http.PostAsJsonAsync("/v1/chat/completions", Request());
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
        var error = (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("Rate limit reached", error.GetProperty("message").GetString());
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());

        using var missing = await Http.PostAsJsonAsync("/v1/chat/completions", Request(model: "no-such-model"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model_not_found", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task WithAnApiKey_OnlyTheRightBearerGetsIn()
    {
        Emulator.OpenAi.ApiKey = "sk-emulated-secret";
        using var none = await Http.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("invalid_api_key", (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        using var right = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-emulated-secret");
        var models = await (await Http.SendAsync(right)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("llama3.2:latest", models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task ModelsCanBeMissing_AndANonStreamingAnswerIsOneCompletion()
    {
        Emulator.OpenAi.ListsModels = false;
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v1/models")).StatusCode);

        Emulator.Scripts.Enqueue(ChatScript.Answer("Whole ", "answer."));
        var completion = await (await Http.PostAsJsonAsync("/v1/chat/completions", Request(stream: false))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.Equal("Whole answer.", completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task AClientThatLeaves_IsSeenLeavingAtOnce()
    {
        // An answer of half a minute: however busy the machine, the emulator hears of the client leaving long before its end.
        Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 3000).Select(i => $" w{i}")]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));
        // A client that closes the connection when it leaves, instead of draining the rest of the answer first.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = Emulator.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Request()) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        Assert.True(await stream.ReadAsync(new byte[64]) > 0);
        response.Dispose();
        var chat = Emulator.Requests.Chats.Single();
        // Seen while the answer still had seconds to go: the emulator noticed the client leaving, it did not just finish.
        await chat.WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(chat.Completed);
        Assert.Equal("/v1/chat/completions", chat.Path);
    }
}
