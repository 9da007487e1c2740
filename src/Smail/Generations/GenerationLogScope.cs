using System.Collections;

namespace Smail.Generations;

/// <summary>
/// The ids every log line of a generation carries. A list of pairs, so structured sinks get two properties,
/// and its own text, so the console prints the ids rather than a type name.
/// </summary>
internal sealed class GenerationLogScope(string generationId, string sessionId) : IReadOnlyList<KeyValuePair<string, object>>
{
    private readonly KeyValuePair<string, object>[] _values = [new("GenerationId", generationId), new("SessionId", sessionId)];

    public int Count => _values.Length;

    public KeyValuePair<string, object> this[int index] => _values[index];

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();

    public override string ToString() => $"generation {_values[0].Value} in conversation {_values[1].Value}";
}
