using Smail.Ollama;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Ollama;

/// <summary>The client's reading of Ollama's stream and statuses, with production's time limits (a loaded machine is no stall).</summary>
public sealed class OllamaClientStreamingTests : OllamaClientTest
{
    [Fact]
    public async Task StreamChat_YieldsEveryChunkInOrder_ThenTheFinalChunkWithOllamasStats()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("Grüß", " dich", " 👋🏽", "\n\"ok\"") with { DoneReason = "length", PromptEvalCount = 12 });

        var chunks = await CollectAsync(Hello());

        Assert.Equal("Grüß dich 👋🏽\n\"ok\"", string.Concat(chunks.Select(c => c.Content)));
        var final = chunks[^1];
        Assert.True(final.Done);
        Assert.Equal("length", final.DoneReason);
        Assert.Equal(12, final.Stats!.PromptTokens);
        Assert.Equal(4, final.Stats.OutputTokens);
        Assert.True(final.Stats.EvalDuration > TimeSpan.Zero);
        Assert.True(final.Stats.TotalDuration >= final.Stats.EvalDuration);
    }

    [Fact]
    public async Task StreamChat_KeepsThinkingApartFromTheAnswer()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("42").WithThinking("Let me", " think"));

        var chunks = await CollectAsync(Hello("qwen3:8b", think: true));

        Assert.Equal("Let me think", string.Concat(chunks.Select(c => c.Thinking)));
        Assert.Equal("42", string.Concat(chunks.Select(c => c.Content)));
        Assert.Equal("true", Emulator.Requests.Chats[0].Json.GetProperty("think").GetRawText());
    }

    [Fact]
    public async Task StreamChat_SendsTheConversationAndOptionsInOllamasFormat()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("ok"));
        var options = new Dictionary<string, System.Text.Json.JsonElement>
        {
            ["temperature"] = System.Text.Json.JsonDocument.Parse("0.2").RootElement,
        };

        await CollectAsync(new UpstreamChatRequest("llama3.2", [new("system", "Be brief."), new("user", "Hi")], Options: options));

        var sent = Emulator.Requests.Chats[0].Json;
        Assert.Equal("llama3.2", sent.GetProperty("model").GetString());
        Assert.True(sent.GetProperty("stream").GetBoolean());
        Assert.Equal("system", sent.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("Hi", sent.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(0.2, sent.GetProperty("options").GetProperty("temperature").GetDouble());
        Assert.False(sent.TryGetProperty("think", out _));
    }

    [Theory]
    [InlineData(404, "model 'llama3.2' not found", "model_not_found", false)]
    [InlineData(400, "\"llama3.2\" does not support thinking", "upstream_bad_request", false)]
    [InlineData(500, "llama runner process has terminated", "upstream_error", true)]
    [InlineData(503, "server busy, please try again.  maximum pending requests exceeded", "upstream_busy", true)]
    public async Task StreamChat_TurnsErrorStatusesIntoTypedErrorsThatKeepOllamasMessage(int status, string message, string code, bool retryable)
    {
        Emulator.Scripts.Enqueue(ChatScript.Status(status, message));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => CollectAsync(Hello()));

        Assert.Equal(code, error.Code);
        Assert.Equal(retryable, error.Retryable);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamChat_ForAModelThatIsNotInstalled_SaysHowToPullIt()
    {
        var error = await Assert.ThrowsAsync<UpstreamException>(() => CollectAsync(Hello("mistral")));

        Assert.Equal(UpstreamErrorKind.ModelNotFound, error.Kind);
        Assert.Contains("ollama pull mistral", error.Message, StringComparison.Ordinal);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task StreamChat_AnErrorLineMidStream_IsAnErrorAfterTheChunksBeforeIt_NeverASilentEnd()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("one", " two", " three").ErrorLineAfter(2));
        var received = new List<UpstreamChunk>();

        var error = await Assert.ThrowsAsync<UpstreamException>(() => CollectAsync(Hello(), received));

        Assert.Equal(UpstreamErrorKind.StreamError, error.Kind);
        Assert.Contains("an error was encountered while running the model", error.Message, StringComparison.Ordinal);
        Assert.Equal("one two", string.Concat(received.Select(c => c.Content)));
    }

    [Fact]
    public async Task StreamChat_AMalformedLine_IsAMalformedResponseError()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("one", " two").MalformedLineAfter(1));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => CollectAsync(Hello()));

        Assert.Equal(UpstreamErrorKind.MalformedResponse, error.Kind);
        Assert.Equal("upstream_malformed_response", error.Code);
    }

    [Fact]
    public async Task StreamChat_AConnectionResetMidStream_IsAConnectionLostError()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("one", " two", " three").ResetAfter(2));
        var received = new List<UpstreamChunk>();

        var error = await Assert.ThrowsAsync<UpstreamException>(() => CollectAsync(Hello(), received));

        Assert.Equal(UpstreamErrorKind.ConnectionLost, error.Kind);
        Assert.Equal(2, received.Count);
    }
}

/// <summary>
/// The client's time limits, set short so the tests can reach them: silence mid-answer longer than the idle timeout is
/// a stall, and no headers within the first-byte timeout is a timeout. Other tests keep production's limits, so a
/// busy machine cannot turn their answers into timeouts.
/// </summary>
public sealed class OllamaClientTimeoutTests() : OllamaClientTest(new Dictionary<string, string?>
{
    ["Ollama:IdleTimeout"] = "00:00:00.500",
    ["Ollama:FirstByteTimeout"] = "00:00:05",
})
{
    [Fact]
    public async Task StreamChat_AStallLongerThanTheIdleTimeout_IsAStalledError_AndHangsUpOnOllama()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("one", " two").StallAfter(1));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => CollectAsync(Hello()));

        Assert.Equal(UpstreamErrorKind.Stalled, error.Kind);
        await Emulator.Requests.Chats[0].WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task StreamChat_NoHeadersWithinTheFirstByteTimeout_IsATimeoutError()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("late").WithDelays(TimeSpan.FromSeconds(20), TimeSpan.Zero));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => CollectAsync(Hello()));

        Assert.Equal(UpstreamErrorKind.Timeout, error.Kind);
        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task StreamChat_ASlowModelLoadWithinTheFirstByteTimeout_IsNotAnError()
    {
        Emulator.Scripts.Enqueue(ChatScript.Answer("warm").WithDelays(TimeSpan.FromSeconds(1), TimeSpan.Zero));

        var chunks = await CollectAsync(Hello());

        Assert.Equal("warm", string.Concat(chunks.Select(c => c.Content)));
    }
}
