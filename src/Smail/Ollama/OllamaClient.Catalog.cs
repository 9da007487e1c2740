using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Smail.Ollama;

// The small request/response calls: what is installed, what is loaded, what a model can do.
internal sealed partial class OllamaClient
{
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken) =>
        (await GetJsonAsync("api/version", OllamaJsonContext.Default.OllamaVersion, cancellationToken)).Version;

    public async Task<IReadOnlyList<UpstreamModel>> ListModelsAsync(CancellationToken cancellationToken)
    {
        var list = await GetJsonAsync("api/tags", OllamaJsonContext.Default.OllamaModelList, cancellationToken);
        var capabilities = await Task.WhenAll(list.Models.Select(m => GetCapabilitiesOrEmptyAsync(m.Name, cancellationToken)));
        return [.. list.Models.Select((m, i) => new UpstreamModel(
            m.Name, m.Details?.Family ?? "", m.Details?.ParameterSize ?? "", m.Size, capabilities[i]))];
    }

    public async Task<IReadOnlyList<string>> GetCapabilitiesAsync(string model, CancellationToken cancellationToken)
    {
        if (capabilityCache.TryGet(http.BaseAddress, model, out var cached))
        {
            return cached;
        }
        IReadOnlyList<string> capabilities;
        try
        {
            var show = await SendJsonAsync(HttpMethod.Post, "api/show",
                JsonContent.Create(new OllamaShowRequest(model), OllamaJsonContext.Default.OllamaShowRequest),
                OllamaJsonContext.Default.OllamaShowResponse, model, cancellationToken);
            capabilities = show.Capabilities ?? ["completion"];
        }
        catch (UpstreamException ex) when (ex.Kind == UpstreamErrorKind.RouteMissing)
        {
            // No /api/show there (an older server, or a proxy that passes only chat): chat without capabilities.
            capabilities = ["completion"];
        }
        capabilityCache.Set(http.BaseAddress, model, capabilities);
        return capabilities;
    }

    public async Task<bool> IsLoadedAsync(string model, CancellationToken cancellationToken)
    {
        var loaded = await GetJsonAsync("api/ps", OllamaJsonContext.Default.OllamaModelList, cancellationToken);
        var fullName = model.Contains(':', StringComparison.Ordinal) ? model : model + ":latest";
        return loaded.Models.Any(m => m.Name == fullName || m.Model == fullName);
    }

    private async Task<IReadOnlyList<string>> GetCapabilitiesOrEmptyAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return await GetCapabilitiesAsync(model, cancellationToken);
        }
        catch (UpstreamException)
        {
            // An older Ollama without capabilities in /api/show still lists its models.
            return [];
        }
    }

    private Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Get, path, null, type, "", cancellationToken);

    private async Task<T> SendJsonAsync<T>(
        HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, string model, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw await OllamaErrors.FromResponseAsync(response, model, cancellationToken);
            }
            return await response.Content.ReadFromJsonAsync(type, timeout.Token)
                ?? throw new UpstreamException(UpstreamErrorKind.MalformedResponse, $"Ollama answered {path} with an empty body.");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw OllamaErrors.Unreachable(http.BaseAddress!, ex);
        }
        catch (HttpRequestException ex)
        {
            throw OllamaErrors.Unreachable(http.BaseAddress!, ex);
        }
        catch (JsonException ex)
        {
            throw new UpstreamException(UpstreamErrorKind.MalformedResponse, $"Ollama answered {path} with unexpected JSON.", inner: ex);
        }
    }
}
