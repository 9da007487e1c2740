using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Smail.Journal;
using Smail.Sessions;

namespace Smail.Postgres;

/// <summary>
/// The journal of answers in progress in PostgreSQL, beside the conversations, for instances that keep nothing on
/// their own disk. Lines are queued without waiting and written by one loop, one transaction per
/// <see cref="JournalOptions.CommitInterval"/> for everything queued meanwhile (group commit, as the file journal
/// fsyncs): a thousand answers streaming cost a hundred small transactions a second, not one per token. A round
/// that holds only text commits without waiting for PostgreSQL's own disk (<c>synchronous_commit off</c>): a killed
/// Smail loses none of it, and only a crash of PostgreSQL itself can take its last fraction of a second. A round
/// with a line someone awaits (a message taken, an answer's end) waits for the disk. A failed round keeps its lines,
/// in order, for the next one, and tells whoever awaits a line of it that the store is unavailable.
/// </summary>
internal sealed partial class PostgresJournalWriter : IJournalWriter, IAsyncDisposable
{
    private readonly Channel<(JournalEntry Entry, TaskCompletionSource? Committed)> _queue =
        Channel.CreateUnbounded<(JournalEntry, TaskCompletionSource?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly PostgresDatabase _database;
    private readonly JournalOptions _options;
    private readonly ILogger<PostgresJournalWriter> _logger;
    private readonly Task _writing;

    public PostgresJournalWriter(PostgresDatabase database, IOptions<JournalOptions> options, ILogger<PostgresJournalWriter> logger)
    {
        _database = database;
        _options = options.Value;
        _logger = logger;
        _writing = Task.Run(WriteLoopAsync);
    }

    public void Append(JournalEntry entry) => _queue.Writer.TryWrite((entry, null));

    public Task AppendAndCommitAsync(JournalEntry entry)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((entry, committed)))
        {
            // Only at the very end of shutdown, after every generation was given time to end.
            committed.TrySetException(new ObjectDisposedException(nameof(PostgresJournalWriter)));
        }
        return committed.Task;
    }

    private async Task WriteLoopAsync()
    {
        var round = new List<(JournalEntry Entry, TaskCompletionSource? Committed)>();
        var failing = false;
        while (await _queue.Reader.WaitToReadAsync())
        {
            var started = Stopwatch.GetTimestamp();
            while (_queue.Reader.TryRead(out var item))
            {
                round.Add(item);
            }
            var failure = await TryWriteAsync(round);
            foreach (var (_, committed) in round)
            {
                _ = failure is null ? committed?.TrySetResult() : committed?.TrySetException(failure);
            }
            if (failure is null)
            {
                round.Clear();
                failing = false;
            }
            else
            {
                // The lines stay, in order, for the next round; their waiters have their answer already.
                round = [.. round.Select(r => (r.Entry, (TaskCompletionSource?)null))];
                if (!failing)
                {
                    LogWriteFailed(failure);
                }
                failing = true;
            }
            // One transaction per interval, however many answers wrote meanwhile.
            var rest = _options.CommitInterval - Stopwatch.GetElapsedTime(started);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }
        if (round.Count > 0)
        {
            await TryWriteAsync(round);
        }
    }

    private async Task<StorageException?> TryWriteAsync(List<(JournalEntry Entry, TaskCompletionSource? Committed)> round)
    {
        var lines = round.Where(r => r.Entry.Type != JournalEntry.Saved).Select(r => r.Entry).ToList();
        var saved = round.Where(r => r.Entry.Type == JournalEntry.Saved).Select(r => r.Entry.Id).Distinct().ToArray();
        var awaited = round.Any(r => r.Committed is not null);
        try
        {
            await _database.RunAsync(async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await using var batch = new NpgsqlBatch(connection, transaction);
                if (!awaited)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO OFF"));
                }
                if (lines.Count > 0)
                {
                    var insert = new NpgsqlBatchCommand(
                        "INSERT INTO journal (generation, line) SELECT g, l FROM unnest(@generations, @lines) WITH ORDINALITY AS t(g, l, n) ORDER BY n");
                    insert.Parameters.AddWithValue("generations", lines.Select(l => l.Id).ToArray());
                    insert.Parameters.Add(new NpgsqlParameter("lines", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
                    {
                        Value = lines.Select(l => JsonSerializer.Serialize(l, JournalJsonContext.Default.JournalEntry)).ToArray(),
                    });
                    batch.BatchCommands.Add(insert);
                }
                if (saved.Length > 0)
                {
                    // Its conversation holds all of it now: its lines go, this round's included.
                    var forget = new NpgsqlBatchCommand("DELETE FROM journal WHERE generation = ANY(@saved)");
                    forget.Parameters.AddWithValue("saved", saved);
                    batch.BatchCommands.Add(forget);
                }
                await batch.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
                return 0;
            }, CancellationToken.None);
            return null;
        }
        catch (StorageException ex)
        {
            return ex;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writing;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The answer journal could not be written to PostgreSQL; its lines are kept for the next try")]
    private partial void LogWriteFailed(Exception ex);
}
