namespace Smail.Journal;

/// <summary>
/// Where <see cref="AnswerJournal"/>'s lines go: files on this instance's disk (<see cref="JournalWriter"/>), or the
/// shared PostgreSQL database with the conversations (<see cref="Postgres.PostgresJournalWriter"/>). Either way a line
/// is queued without waiting, lines keep their order, and an awaited line is durable when its task completes.
/// </summary>
internal interface IJournalWriter
{
    /// <summary>Queues a line; never blocks.</summary>
    void Append(JournalEntry entry);

    /// <summary>Queues a line; the task completes once it is durable, or fails with a <see cref="Sessions.StorageException"/>.</summary>
    Task AppendAndCommitAsync(JournalEntry entry);
}

/// <summary>The journal's lines as stored, for <see cref="JournalReplay"/>: read at start, and forgotten once replayed.</summary>
internal interface IJournalLines
{
    /// <summary>True when other instances write to the same journal, so a line may belong to an answer running elsewhere.</summary>
    bool Shared { get; }

    /// <summary>Every stored line, in the order written.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Drops the lines just read of <paramref name="generations"/> (all of them when null): their conversations hold them now.</summary>
    Task ForgetAsync(IReadOnlyCollection<string>? generations, CancellationToken cancellationToken);
}
