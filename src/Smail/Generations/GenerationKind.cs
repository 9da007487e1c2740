namespace Smail.Generations;

/// <summary>What a generation writes: a new answer, a fresh take on the latest one, or more of it.</summary>
internal enum GenerationKind
{
    /// <summary>The answer to a message just sent (or edited and resent).</summary>
    New,

    /// <summary>The latest answer written again. The stored one stays until the new one has text.</summary>
    Regenerate,

    /// <summary>The latest answer carried on from where it ended. Its events start with the text it had.</summary>
    Continue,
}
