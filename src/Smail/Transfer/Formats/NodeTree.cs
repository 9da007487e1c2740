using Smail.Sessions;

namespace Smail.Transfer.Formats;

/// <summary>
/// Turns an export's tree of nodes (each naming its parent, as ChatGPT's <c>mapping</c> and Open WebUI's
/// <c>history</c> do) into an import's messages: parents before children, each message pointing at its nearest kept
/// ancestor, so a node that stays behind (hidden, a tool call) does not cut its branch off. Refuses a node whose parent
/// is not in the file, and nodes whose parents loop. Walks without recursion, so a deep file cannot exhaust the stack.
/// </summary>
internal sealed class NodeTree(string format)
{
    private readonly List<(string Id, string? Parent, ImportedMessage? Message)> _nodes = [];

    /// <summary>A node, in the file's order (which orders versions among siblings); <paramref name="message"/> null when it stays behind.</summary>
    public void Add(string id, string? parent, ImportedMessage? message) => _nodes.Add((id, parent, message));

    /// <summary>The kept messages, parents first, and the position of <paramref name="current"/>'s nearest kept node.</summary>
    public (List<ImportedMessage> Messages, int? Current) Flatten(string? current)
    {
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _nodes.Count; i++)
        {
            if (!byId.TryAdd(_nodes[i].Id, i))
            {
                throw new ImportRefused($"This {format} export holds two messages with one id ({Shorten(_nodes[i].Id)}).");
            }
        }
        var children = new List<int>?[_nodes.Count];
        var roots = new List<int>();
        for (var i = 0; i < _nodes.Count; i++)
        {
            if (_nodes[i].Parent is not { } parent)
            {
                roots.Add(i);
            }
            else if (byId.TryGetValue(parent, out var p))
            {
                (children[p] ??= []).Add(i);
            }
            else
            {
                throw new ImportRefused($"This {format} export points at a message it does not hold ({Shorten(parent)}).");
            }
        }
        if (current is not null && !byId.ContainsKey(current))
        {
            throw new ImportRefused($"This {format} export points at a message it does not hold ({Shorten(current)}).");
        }

        var messages = new List<ImportedMessage>();
        var kept = new int?[_nodes.Count]; // each node's nearest kept node, itself included, as a position in messages
        var visited = 0;
        var stack = new Stack<int>(Enumerable.Reverse(roots));
        while (stack.TryPop(out var node))
        {
            visited++;
            var inherited = _nodes[node].Parent is { } parent ? kept[byId[parent]] : null;
            if (_nodes[node].Message is { } message)
            {
                kept[node] = messages.Count;
                messages.Add(message with { Parent = inherited });
            }
            else
            {
                kept[node] = inherited;
            }
            foreach (var child in Enumerable.Reverse(children[node] ?? []))
            {
                stack.Push(child);
            }
        }
        if (visited < _nodes.Count)
        {
            // Every node reached from a first message was walked; the rest can only point at each other.
            throw new ImportRefused($"This {format} export's messages point at each other in a loop.");
        }
        return (messages, current is null ? null : kept[byId[current]]);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
