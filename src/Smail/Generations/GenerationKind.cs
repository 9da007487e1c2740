namespace Smail.Generations;

/// <summary>What a generation writes: a new answer, another version of one, or more of the last one.</summary>
internal enum GenerationKind
{
    /// <summary>The answer to a message just sent (or edited and resent).</summary>
    New,

    /// <summary>An answer written again: a new version beside it (<see cref="Sessions.NewTurn"/> without a question).</summary>
    Regenerate,

    /// <summary>The latest answer carried on from where it ended. Its events start with the text it had.</summary>
    Continue,
}
