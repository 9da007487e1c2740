using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Upstreams;

/// <summary>
/// Two model servers at once: Ollama (the legacy <c>Ollama:BaseUrl</c>) and an OpenAI-compatible one with an API
/// key (a second emulator playing vLLM). Models from both are listed with their ids, answers stream from either,
/// one going down leaves the other working, and the key reaches the upstream and nothing else.
/// </summary>
public sealed class TwoUpstreamsTests : IAsyncLifetime
{
    private const string ApiKey = "sk-two-upstreams-secret-4f1c";
    private OllamaEmulator.OllamaEmulator _vllm = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _vllm = await OllamaEmulator.OllamaEmulator.StartAsync();
        _vllm.OpenAi.ApiKey = ApiKey;
        _host = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Upstreams:vllm:Type"] = "openai",
            ["Upstreams:vllm:BaseUrl"] = new Uri(_vllm.BaseAddress, "v1").ToString(),
            ["Upstreams:vllm:ApiKey"] = ApiKey,
            ["Resilience:MaxRetryAttempts"] = "1",
            ["Resilience:BreakerMinimumThroughput"] = "2",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _vllm.DisposeAsync();
    }

    private async Task<List<ReceivedEvent>> AskAsync(string model, string question)
    {
        var session = await _host.CreateSessionAsync(model);
        var accepted = await _host.SendAsync(session, question);
        return await _host.Events(accepted.EventsUrl).ReadToEndAsync();
    }

    [Fact]
    public async Task ModelsFromBoth_AreListedWithIds_AndAnswersStreamFromEither()
    {
        var list = await _host.Client.GetFromJsonAsync<JsonElement>("/api/models");
        var ids = list.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("ollama/llama3.2:latest", ids);
        Assert.Contains("vllm/qwen3:8b", ids);
        Assert.All(list.GetProperty("upstreams").EnumerateArray(), u => Assert.True(u.GetProperty("reachable").GetBoolean()));
        var vllmModel = list.GetProperty("models").EnumerateArray().First(m => m.GetProperty("id").GetString() == "vllm/qwen3:8b");
        Assert.Equal("qwen3:8b", vllmModel.GetProperty("name").GetString());
        Assert.Equal("vllm", vllmModel.GetProperty("upstream").GetString());

        _vllm.Scripts.Enqueue(ChatScript.Answer("From ", "vLLM.").WithThinking("Hmm."));
        var fromVllm = await AskAsync("vllm/qwen3:8b", "Who are you?");
        Assert.Equal("From vLLM.", fromVllm.AnswerText());
        Assert.Equal("Hmm.", fromVllm.ThinkingText());
        var sent = _vllm.Requests.Chats.Single();
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("qwen3:8b", sent.Json.GetProperty("model").GetString());

        _host.Emulator.Scripts.Enqueue(ChatScript.Answer("From ", "Ollama."));
        Assert.Equal("From Ollama.", (await AskAsync("ollama/llama3.2:latest", "And you?")).AnswerText());
        Assert.Equal("llama3.2:latest", _host.Emulator.Requests.Chats.Single().Json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task OneDown_IsListedWithItsReason_AndTheOtherKeepsStreaming()
    {
        _vllm.Down = true;
        var list = await _host.Client.GetFromJsonAsync<JsonElement>("/api/models");
        var vllm = list.GetProperty("upstreams").EnumerateArray().Single(u => u.GetProperty("name").GetString() == "vllm");
        Assert.False(vllm.GetProperty("reachable").GetBoolean());
        Assert.Contains("Upstreams:vllm:BaseUrl", vllm.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(list.GetProperty("models").EnumerateArray(), m => m.GetProperty("upstream").GetString() == "vllm");

        _host.Emulator.Scripts.Enqueue(ChatScript.Answer("Still ", "here."));
        Assert.Equal("Still here.", (await AskAsync("ollama/llama3.2:latest", "Anyone?")).AnswerText());

        var health = await _host.Client.GetFromJsonAsync<JsonElement>("/api/health");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("upstream").GetProperty("reachable").GetBoolean());
        var each = health.GetProperty("upstreams").EnumerateArray().ToDictionary(u => u.GetProperty("name").GetString()!);
        Assert.True(each["ollama"].GetProperty("reachable").GetBoolean());
        Assert.Equal("ollama", each["ollama"].GetProperty("type").GetString());
        Assert.False(each["vllm"].GetProperty("reachable").GetBoolean());
        Assert.Equal("openai", each["vllm"].GetProperty("type").GetString());
        Assert.Contains("Upstreams:vllm:BaseUrl", each["vllm"].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneThatKeepsFailing_OpensOnlyItsOwnCircuit_AndItsMetricsSayWhichUpstream()
    {
        _vllm.Scripts.Enqueue(ChatScript.Status(500, "boom"), ChatScript.Status(500, "boom"));

        var failed = await AskAsync("vllm/qwen3:8b", "one");
        var refused = await AskAsync("vllm/qwen3:8b", "two");
        _host.Emulator.Scripts.Enqueue(ChatScript.Answer("Unaffected."));
        var other = await AskAsync("ollama/llama3.2:latest", "three");

        Assert.Equal("upstream_error", failed[^1].Data.GetProperty("code").GetString());
        Assert.Equal("upstream_circuit_open", refused[^1].Data.GetProperty("code").GetString());
        Assert.Contains("'vllm'", refused[^1].Data.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, _vllm.Requests.Chats.Count);
        Assert.Equal("Unaffected.", other.AnswerText());

        var metrics = PrometheusText.Parse(await _host.Client.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics.Value("smail_upstream_retries_total", ("reason", "upstream_error"), ("upstream", "vllm")));
        Assert.Equal(1, metrics.Value("smail_generation_errors_total", ("code", "upstream_circuit_open"), ("upstream", "vllm")));
        Assert.True(metrics.Value("smail_generation_duration_seconds_count", ("model", "ollama/llama3.2:latest"), ("upstream", "ollama"), ("outcome", "complete")) >= 1);
        Assert.Equal(0, metrics.Value("smail_generation_duration_seconds_count", ("model", "vllm/qwen3:8b"), ("outcome", "error")));
    }

    [Fact]
    public async Task TheApiKey_ReachesTheUpstream_AndAppearsNowhereElse()
    {
        _vllm.Scripts.Enqueue(ChatScript.Answer("ok"));
        await AskAsync("vllm/llama3.2:latest", "hello");
        _vllm.OpenAi.ApiKey = "sk-another-key";
        var refused = await AskAsync("vllm/llama3.2:latest", "again");

        var seen = new List<string>
        {
            await _host.Client.GetStringAsync("/api/models"),
            await _host.Client.GetStringAsync("/api/health"),
            await _host.Client.GetStringAsync("/api/sessions"),
            await _host.Client.GetStringAsync("/metrics"),
            await _host.Client.GetStringAsync("/"),
            string.Join("\n", refused.Select(e => e.Data.ToString())),
            string.Join("\n", _host.App.Logs.All.Select(l => $"{l.Message} {l.Exception}")),
        };
        foreach (var session in (await _host.Client.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("sessions").EnumerateArray())
        {
            seen.Add(await _host.Client.GetStringAsync($"/api/sessions/{session.GetProperty("id").GetString()}"));
        }
        Assert.Equal("upstream_unauthorized", refused.Last(e => e.Type == "error").Data.GetProperty("code").GetString());
        Assert.All(seen, text => Assert.DoesNotContain(ApiKey, text, StringComparison.Ordinal));
        Assert.Contains("Upstreams:vllm:ApiKey", seen[5], StringComparison.Ordinal);
    }
}
