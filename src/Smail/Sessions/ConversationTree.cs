namespace Smail.Sessions;

/// <summary>
/// A conversation's messages as the tree that edits and regenerations grow: each message names the one it answers or
/// follows (<see cref="ChatMessage.ParentId"/>), and messages with the same parent are versions of one turn, oldest
/// first. The active path is what the conversation shows and what the model is given: from the first message down to
/// <see cref="Session.CurrentId"/>. Built from <see cref="Session.Linked"/>, so a conversation from before branching is
/// one path. Read-only; a change is a new <see cref="Session"/>.
/// </summary>
internal sealed class ConversationTree
{
    private readonly Dictionary<string, ChatMessage> _byId;
    private readonly Dictionary<string, List<ChatMessage>> _children = [];
    private readonly List<ChatMessage> _roots = [];

    public ConversationTree(Session session)
    {
        session = session.Linked();
        _byId = new Dictionary<string, ChatMessage>(session.Messages.Count, StringComparer.Ordinal);
        foreach (var message in session.Messages)
        {
            // A parent that is not in the conversation, or comes after its child, cannot be (so the tree has no loop):
            // such a message starts a path.
            if (message.ParentId is { } parentId && _byId.ContainsKey(parentId))
            {
                (_children.TryGetValue(parentId, out var list) ? list : _children[parentId] = []).Add(message);
            }
            else
            {
                _roots.Add(message);
            }
            _byId.TryAdd(message.Id, message);
        }
        Path = PathThrough(session.CurrentId is { } current && _byId.ContainsKey(current) ? current : session.Messages.LastOrDefault()?.Id);
    }

    /// <summary>The messages shown, first to last.</summary>
    public IReadOnlyList<ChatMessage> Path { get; }

    /// <summary>The last message shown: where a message sent without a parent goes on from; null in an empty conversation.</summary>
    public ChatMessage? Leaf => Path.Count == 0 ? null : Path[^1];

    public ChatMessage? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The message's parent; null for a first message (or one that is not here).</summary>
    public ChatMessage? ParentOf(string id) => Find(id)?.ParentId is { } parentId && _children.GetValueOrDefault(parentId)?.Exists(c => c.Id == id) == true
        ? _byId[parentId]
        : null;

    /// <summary>The versions of the message's turn, oldest first, the message among them.</summary>
    public IReadOnlyList<ChatMessage> SiblingsOf(string id) => ParentOf(id) is { } parent ? _children[parent.Id] : _roots.Exists(r => r.Id == id) ? _roots : [];

    /// <summary>
    /// The path through <paramref name="id"/>: its ancestors, itself, and below it the branch last written (the newest
    /// child at each step), so choosing a version shows what was written after it.
    /// </summary>
    public IReadOnlyList<ChatMessage> PathThrough(string? id)
    {
        if (id is null || !_byId.TryGetValue(id, out var message))
        {
            return [];
        }
        var path = new List<ChatMessage>();
        for (ChatMessage? at = message; at is not null && path.Count <= _byId.Count; at = ParentOf(at.Id))
        {
            path.Add(at);
        }
        path.Reverse();
        for (var at = message; _children.TryGetValue(at.Id, out var children) && path.Count <= _byId.Count; )
        {
            at = children[^1];
            path.Add(at);
        }
        return path;
    }

    /// <summary>The messages before <paramref name="id"/> on its path: what the model is given to write it.</summary>
    public IEnumerable<ChatMessage> Before(string id) => PathThrough(id).TakeWhile(m => m.Id != id);
}
