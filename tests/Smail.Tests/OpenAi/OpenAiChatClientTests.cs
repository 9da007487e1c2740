using System.Net.Http.Headers;
using Smail.Ollama;
using Smail.OllamaEmulator.Scripting;
using Smail.OpenAi;

namespace Smail.Tests.OpenAi;

/// <summary>
/// Smail's OpenAI-compatible client against the emulator's /v1, faults included: the text and the reasoning in
/// both of their fields and inline, finish reasons and usage, every kind of error, and prompt cancellation.
/// </summary>
public sealed class OpenAiChatClientTests : IAsyncLifetime
{
    private OllamaEmulator.OllamaEmulator _emulator = null!;
    private HttpClient _http = null!;
    private OpenAiChatClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await OllamaEmulator.OllamaEmulator.StartAsync();
        _http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = new Uri(_emulator.BaseAddress, "v1/") };
        _client = new OpenAiChatClient(_http, new OpenAiUpstreamOptions { Name = "gpu-box", IdleTimeout = TimeSpan.FromSeconds(2) });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private static readonly string[] s_cutOff = ["upstream_connection_lost", "upstream_incomplete"];

    private static UpstreamChatRequest Ask(string model = "llama3.2") => new(model, [new UpstreamMessage("user", "hi")]);

    private async Task<List<UpstreamChunk>> ReadAllAsync(UpstreamChatRequest? request = null)
    {
        var chunks = new List<UpstreamChunk>();
        await foreach (var chunk in _client.StreamChatAsync(request ?? Ask(), CancellationToken.None))
        {
            chunks.Add(chunk);
        }
        return chunks;
    }

    private async Task<UpstreamException> FailsAsync(UpstreamChatRequest? request = null) =>
        await Assert.ThrowsAsync<UpstreamException>(() => ReadAllAsync(request));

    [Fact]
    public async Task TheAnswer_ItsReason_AndTheUsage_ComeThrough()
    {
        _emulator.Scripts.Enqueue(ChatScript.Answer("Hel", "lo ", "there") with { PromptEvalCount = 11, DoneReason = "length" });
        var chunks = await ReadAllAsync();
        Assert.Equal("Hello there", string.Concat(chunks.Select(c => c.Content)));
        var done = chunks[^1];
        Assert.True(done.Done);
        Assert.Equal("length", done.DoneReason);
        Assert.Equal(11, done.Stats!.PromptTokens);
        Assert.Equal(3, done.Stats.OutputTokens);
        var request = _emulator.Requests.Chats.Single().Json;
        Assert.True(request.GetProperty("stream").GetBoolean());
        Assert.True(request.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Theory]
    [InlineData("reasoning_content")]
    [InlineData("reasoning")]
    public async Task Reasoning_BecomesThinking_InEitherField(string field)
    {
        _emulator.OpenAi.ReasoningField = field;
        _emulator.Scripts.Enqueue(ChatScript.Answer("Four.").WithThinking("Two and ", "two."));
        var chunks = await ReadAllAsync();
        Assert.Equal("Two and two.", string.Concat(chunks.Select(c => c.Thinking)));
        Assert.Equal("Four.", string.Concat(chunks.Select(c => c.Content)));
    }

    [Fact]
    public async Task InlineThinkTags_BecomeThinking_EvenSplitAcrossChunks()
    {
        _emulator.Scripts.Enqueue(ChatScript.Answer("<thi", "nk>Let me", " see.</th", "ink>\n\nThe answer", " is 4."));
        var chunks = await ReadAllAsync();
        Assert.Equal("Let me see.", string.Concat(chunks.Select(c => c.Thinking)));
        Assert.Equal("The answer is 4.", string.Concat(chunks.Select(c => c.Content)));
    }

    [Fact]
    public async Task TextThatOnlyLooksLikeATag_StaysText()
    {
        _emulator.Scripts.Enqueue(ChatScript.Answer("<", "b>bold</b> and <think> later"));
        var chunks = await ReadAllAsync();
        Assert.Equal("<b>bold</b> and <think> later", string.Concat(chunks.Select(c => c.Content)));
        Assert.All(chunks, c => Assert.Null(c.Thinking));
    }

    [Fact]
    public async Task AWrongKey_IsUpstreamUnauthorized_NamingTheSettingToFix_AndNeverTheKey()
    {
        _emulator.OpenAi.ApiKey = "sk-right";
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-wrong-secret");
        var error = await FailsAsync();
        Assert.Equal("upstream_unauthorized", error.Code);
        Assert.False(error.Retryable);
        Assert.Contains("Upstreams:gpu-box:ApiKey", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingModel_IsModelNotFound()
    {
        var error = await FailsAsync(Ask("no-such-model"));
        Assert.Equal("model_not_found", error.Code);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task A429_IsBusy_AndCarriesRetryAfter_AndA5xxIsRetryable()
    {
        _emulator.Scripts.Enqueue(ChatScript.Status(429, "Rate limit reached") with { RetryAfter = TimeSpan.FromSeconds(2) });
        var limited = await FailsAsync();
        Assert.Equal("upstream_busy", limited.Code);
        Assert.True(limited.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(2), limited.RetryAfter);

        _emulator.Scripts.Enqueue(ChatScript.Status(502, "Bad gateway"));
        var failed = await FailsAsync();
        Assert.Equal("upstream_error", failed.Code);
        Assert.True(failed.Retryable);
    }

    [Fact]
    public async Task AnErrorInsideTheStream_IsAnError_NeverASilentEnd()
    {
        _emulator.Scripts.Enqueue(ChatScript.Answer("one ", "two ", "three").ErrorLineAfter(2, "CUDA error: out of memory"));
        var chunks = new List<UpstreamChunk>();
        var error = await Assert.ThrowsAsync<UpstreamException>(async () =>
        {
            await foreach (var chunk in _client.StreamChatAsync(Ask(), CancellationToken.None))
            {
                chunks.Add(chunk);
            }
        });
        Assert.Equal("model_error", error.Code);
        Assert.Contains("CUDA error", error.Message, StringComparison.Ordinal);
        Assert.Equal("one two ", string.Concat(chunks.Select(c => c.Content)));
    }

    [Fact]
    public async Task AMalformedEvent_AReset_AndAStall_AreEachTheirOwnError()
    {
        _emulator.Scripts.Enqueue(ChatScript.Answer("a", "b").MalformedLineAfter(1));
        Assert.Equal("upstream_malformed_response", (await FailsAsync()).Code);
        _emulator.Scripts.Enqueue(ChatScript.Answer("a", "b", "c").ResetAfter(1));
        Assert.Contains((await FailsAsync()).Code, s_cutOff);
        _emulator.Scripts.Enqueue(ChatScript.Answer("a", "b").StallAfter(1));
        Assert.Equal("upstream_stalled", (await FailsAsync()).Code);
    }

    [Fact]
    public async Task Cancelling_AbortsTheRequest_AtTheEmulator()
    {
        _emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 500).Select(i => $" w{i}")]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in _client.StreamChatAsync(Ask(), cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });
        var chat = _emulator.Requests.Chats.Single();
        await chat.WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(4));
        Assert.False(chat.Completed);
    }

    [Fact]
    public async Task Models_ComeFromTheServer_OrFromConfiguration_WhenItHasNoList()
    {
        Assert.Contains("llama3.2:latest", (await _client.ListModelsAsync(CancellationToken.None)).Select(m => m.Name));
        _emulator.OpenAi.ListsModels = false;
        Assert.Equal("upstream_route_missing", (await Assert.ThrowsAsync<UpstreamException>(() => _client.ListModelsAsync(CancellationToken.None))).Code);
        var configured = new OpenAiChatClient(_http, new OpenAiUpstreamOptions { Name = "lmstudio", Models = ["qwen3-8b", "gemma-3"] });
        Assert.Equal(["qwen3-8b", "gemma-3"], (await configured.ListModelsAsync(CancellationToken.None)).Select(m => m.Name));
    }

    [Fact]
    public async Task OptionsAreTranslated_AndContinuationIsAskedOnlyOfServersThatKnowHow()
    {
        var options = new Dictionary<string, System.Text.Json.JsonElement>
        {
            ["temperature"] = System.Text.Json.JsonDocument.Parse("0.2").RootElement,
            ["num_predict"] = System.Text.Json.JsonDocument.Parse("64").RootElement,
            ["num_ctx"] = System.Text.Json.JsonDocument.Parse("8192").RootElement,
        };
        var continuing = new UpstreamChatRequest("llama3.2", [new UpstreamMessage("user", "hi"), new UpstreamMessage("assistant", "Hel")], Options: options);
        _emulator.Scripts.Enqueue(ChatScript.Answer("lo"));
        await ReadAllAsync(continuing);
        var plain = _emulator.Requests.Chats[^1].Json;
        Assert.Equal(0.2, plain.GetProperty("temperature").GetDouble());
        Assert.Equal(64, plain.GetProperty("max_tokens").GetInt32());
        Assert.False(plain.TryGetProperty("num_ctx", out _));
        Assert.False(plain.TryGetProperty("continue_final_message", out _));

        _client = new OpenAiChatClient(_http, new OpenAiUpstreamOptions { Name = "vllm", Continuation = Smail.Upstreams.UpstreamContinuation.ContinueFinalMessage });
        _emulator.Scripts.Enqueue(ChatScript.Answer("lo"));
        await ReadAllAsync(continuing);
        var vllm = _emulator.Requests.Chats[^1].Json;
        Assert.True(vllm.GetProperty("continue_final_message").GetBoolean());
        Assert.False(vllm.GetProperty("add_generation_prompt").GetBoolean());
    }
}
