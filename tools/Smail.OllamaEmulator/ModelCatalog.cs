using System.Collections.Concurrent;

namespace Smail.OllamaEmulator;

public sealed record EmulatedModel(
    string Name, string Family, string ParameterSize, string QuantizationLevel, long SizeBytes, string Digest,
    IReadOnlyList<string> Capabilities)
{
    public bool CanThink => Capabilities.Contains("thinking");
}

/// <summary>The models the emulator pretends to have pulled, and which of them are loaded in memory.</summary>
public sealed class ModelCatalog
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _loadedUntil = new();

    public List<EmulatedModel> Models { get; } =
    [
        new("llama3.2:latest", "llama", "3.2B", "Q4_K_M", 2_019_393_189,
            "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72", ["completion", "tools"]),
        new("qwen3:8b", "qwen3", "8.2B", "Q4_K_M", 5_225_376_047,
            "500a1f067a9f782620b40bee6f7b0c89e17ae61f686b92c24933e4ca4b2b8b41", ["completion", "tools", "thinking"]),
        new("gemma3:4b", "gemma3", "4.3B", "Q4_K_M", 3_338_801_804,
            "a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a", ["completion", "vision"]),
    ];

    /// <summary>Answer /api/show with a plain <c>404 page not found</c>, as a server or proxy without that route does.</summary>
    public bool ShowRouteMissing { get; set; }

    /// <summary>Finds a model the way Ollama does: a name without a tag means <c>:latest</c>.</summary>
    public EmulatedModel? Find(string name)
    {
        var fullName = name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest";
        return Models.FirstOrDefault(m => string.Equals(m.Name, fullName, StringComparison.OrdinalIgnoreCase));
    }

    public bool IsLoaded(EmulatedModel model) =>
        _loadedUntil.TryGetValue(model.Name, out var until) && until > DateTimeOffset.UtcNow;

    public void MarkLoaded(EmulatedModel model, TimeSpan keepAlive) =>
        _loadedUntil[model.Name] = DateTimeOffset.UtcNow + keepAlive;

    public IEnumerable<(EmulatedModel Model, DateTimeOffset ExpiresAt)> Loaded() =>
        Models.Where(IsLoaded).Select(m => (m, _loadedUntil[m.Name]));
}
