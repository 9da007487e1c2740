using System.Text.Json;
using Npgsql;
using Smail.Journal;

namespace Smail.Postgres;

/// <summary>
/// The journal's rows in PostgreSQL, read at start for replay. Every instance writes to the one table, so a row may
/// belong to an answer running elsewhere (<see cref="JournalReplay"/> leaves those alone), and only the rows read of
/// the generations replayed are deleted: a row written meanwhile by another instance stays.
/// </summary>
internal sealed class PostgresJournalLines(PostgresDatabase database) : IJournalLines
{
    private long _lastRead;

    public bool Shared => true;

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(CancellationToken cancellationToken) => database.RunAsync<IReadOnlyList<JournalEntry>>(async connection =>
    {
        await using var read = new NpgsqlCommand("SELECT seq, line FROM journal ORDER BY seq", connection);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        var entries = new List<JournalEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            _lastRead = reader.GetInt64(0);
            // Rows are whole (a transaction commits all of them or none), and written by Smail: a row that does not read is a bug.
            entries.Add(JsonSerializer.Deserialize(reader.GetString(1), JournalJsonContext.Default.JournalEntry)
                ?? throw new InvalidDataException($"Journal row {_lastRead} is empty."));
        }
        return entries;
    }, cancellationToken);

    public Task ForgetAsync(IReadOnlyCollection<string>? generations, CancellationToken cancellationToken) => database.RunAsync(async connection =>
    {
        await using var delete = new NpgsqlCommand(
            generations is null ? "DELETE FROM journal WHERE seq <= @last" : "DELETE FROM journal WHERE seq <= @last AND generation = ANY(@generations)", connection);
        delete.Parameters.AddWithValue("last", _lastRead);
        if (generations is not null)
        {
            delete.Parameters.AddWithValue("generations", generations.ToArray());
        }
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }, cancellationToken);
}
