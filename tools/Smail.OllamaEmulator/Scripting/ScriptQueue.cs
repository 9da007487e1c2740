using System.Collections.Concurrent;

namespace Smail.OllamaEmulator.Scripting;

/// <summary>Scripts waiting for the next /api/chat requests, first in first out.</summary>
public sealed class ScriptQueue
{
    private readonly ConcurrentQueue<ChatScript> _scripts = new();

    public void Enqueue(params ChatScript[] scripts)
    {
        foreach (var script in scripts)
        {
            _scripts.Enqueue(script);
        }
    }

    public bool TryDequeue(out ChatScript script) => _scripts.TryDequeue(out script!);

    public int Count => _scripts.Count;
}
