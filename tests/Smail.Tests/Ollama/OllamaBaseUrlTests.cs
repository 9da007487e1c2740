using Smail.Ollama;

namespace Smail.Tests.Ollama;

public sealed class OllamaBaseUrlTests
{
    [Theory]
    [InlineData("http://gpu-box:11434", "ignored:1", "http://gpu-box:11434/")]
    [InlineData("http://proxy.local/ollama", null, "http://proxy.local/ollama/")]
    [InlineData(null, null, "http://127.0.0.1:11434/")]
    [InlineData("", "", "http://127.0.0.1:11434/")]
    [InlineData(null, "gpu-box", "http://gpu-box:11434/")]
    [InlineData(null, "gpu-box:8080", "http://gpu-box:8080/")]
    [InlineData(null, "0.0.0.0", "http://127.0.0.1:11434/")]
    [InlineData(null, "https://ollama.example.com", "https://ollama.example.com:11434/")]
    [InlineData(null, "http://10.1.2.3:9999/", "http://10.1.2.3:9999/")]
    public void Resolve_PrefersConfiguration_ThenFollowsOllamaHostConventions(string? configured, string? ollamaHost, string expected)
    {
        Assert.Equal(new Uri(expected), OllamaBaseUrl.Resolve(configured, ollamaHost));
    }
}
