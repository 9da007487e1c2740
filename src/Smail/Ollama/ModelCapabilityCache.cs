using System.Collections.Concurrent;

namespace Smail.Ollama;

/// <summary>
/// Remembers each model's capabilities for a minute: every generation asks (to know whether to request
/// the thinking channel), and /api/show is not free. A singleton, because the typed client is transient.
/// </summary>
internal sealed class ModelCapabilityCache(TimeProvider time)
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (IReadOnlyList<string> Capabilities, DateTimeOffset Until)> _entries = new();

    public bool TryGet(string model, out IReadOnlyList<string> capabilities)
    {
        if (_entries.TryGetValue(model, out var entry) && entry.Until > time.GetUtcNow())
        {
            capabilities = entry.Capabilities;
            return true;
        }
        capabilities = [];
        return false;
    }

    public void Set(string model, IReadOnlyList<string> capabilities) =>
        _entries[model] = (capabilities, time.GetUtcNow() + s_lifetime);
}
