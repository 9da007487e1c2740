using Smail.Ollama;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Ollama;

public sealed class OllamaClientCatalogTests() : OllamaClientTest
{
    [Fact]
    public async Task ListModels_ReturnsEveryInstalledModelWithItsDetailsAndCapabilities()
    {
        var models = await Client.ListModelsAsync(CancellationToken.None);

        Assert.Equal(Emulator.Catalog.Models.Select(m => m.Name), models.Select(m => m.Name));
        var qwen = models.Single(m => m.Name == "qwen3:8b");
        Assert.Equal("qwen3", qwen.Family);
        Assert.Equal("8.2B", qwen.ParameterSize);
        Assert.Equal(5_225_376_047, qwen.SizeBytes);
        Assert.Contains("thinking", qwen.Capabilities);
    }

    [Fact]
    public async Task GetVersion_ReturnsOllamasVersion()
    {
        Assert.Equal("0.12.11", await Client.GetVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetCapabilities_OfAModelThatIsNotInstalled_IsModelNotFound()
    {
        var error = await Assert.ThrowsAsync<UpstreamException>(() => Client.GetCapabilitiesAsync("nope:1b", CancellationToken.None));

        Assert.Equal(UpstreamErrorKind.ModelNotFound, error.Kind);
    }

    [Fact]
    public async Task GetCapabilities_FromAServerWithoutTheShowRoute_IsPlainChat_NotAMissingModel()
    {
        Emulator.Catalog.ShowRouteMissing = true;

        var capabilities = await Client.GetCapabilitiesAsync("qwen3:8b", CancellationToken.None);

        Assert.Equal(["completion"], capabilities);
    }

    [Fact]
    public async Task IsLoaded_IsTrueOnlyAfterTheModelAnswered()
    {
        Assert.False(await Client.IsLoadedAsync("llama3.2", CancellationToken.None));
        Emulator.Scripts.Enqueue(OllamaEmulator.Scripting.ChatScript.Answer("hi"));
        await foreach (var _ in Client.StreamChatAsync(new("llama3.2", [new("user", "Hi")]), CancellationToken.None))
        {
        }

        Assert.True(await Client.IsLoadedAsync("llama3.2", CancellationToken.None));
    }

    [Fact]
    public async Task EveryCall_ToAnUpstreamThatRefusesConnections_IsUnreachable_WithAHowToFix()
    {
        var (client, scope) = OllamaClientFactory.Create(OllamaClientFactory.RefusingAddress());
        using (scope)
        {
            var list = await Assert.ThrowsAsync<UpstreamException>(() => client.ListModelsAsync(CancellationToken.None));
            var chat = await Assert.ThrowsAsync<UpstreamException>(async () =>
            {
                await foreach (var _ in client.StreamChatAsync(new("llama3.2", [new("user", "Hi")]), CancellationToken.None))
                {
                }
            });

            Assert.Equal(UpstreamErrorKind.Unreachable, list.Kind);
            Assert.Equal(UpstreamErrorKind.Unreachable, chat.Kind);
            Assert.Contains("ollama serve", chat.Message, StringComparison.Ordinal);
            Assert.True(chat.Retryable);
        }
    }
}
