using System.Collections.Concurrent;

namespace Smail.Ollama;

/// <summary>
/// Remembers each model's capabilities for a minute: every generation asks (to know whether to request
/// the thinking channel), and /api/show is not free. A singleton, because the typed client is transient. Keyed by
/// server and model: two Ollama servers may each have a model of the same name, built differently.
/// </summary>
internal sealed class ModelCapabilityCache(TimeProvider time)
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(Uri? Server, string Model), (IReadOnlyList<string> Capabilities, DateTimeOffset Until)> _entries = new();

    public bool TryGet(Uri? server, string model, out IReadOnlyList<string> capabilities)
    {
        if (_entries.TryGetValue((server, model), out var entry) && entry.Until > time.GetUtcNow())
        {
            capabilities = entry.Capabilities;
            return true;
        }
        capabilities = [];
        return false;
    }

    public void Set(Uri? server, string model, IReadOnlyList<string> capabilities) =>
        _entries[(server, model)] = (capabilities, time.GetUtcNow() + s_lifetime);

    /// <summary>A model deleted (or pulled again): what was known of it no longer holds.</summary>
    public void Forget(Uri? server, string model) => _entries.TryRemove((server, model), out _);
}
