using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Smail.Accounts;
using Smail.Accounts.Persistence;
using Smail.Sessions;

namespace Smail.Postgres;

/// <summary>
/// The accounts document in PostgreSQL, shared by every instance. A change locks the document's row, applies the
/// change to what is stored (not to this instance's copy, which may be behind), bumps its version and notifies
/// <c>smail_accounts</c> in the same transaction. Each instance listens on its own connection and reads the document
/// again on a version newer than its own, so a sign-out or a revoked token on one instance ends the requests on all
/// of them. A credential this instance does not know yet makes it read at once instead of waiting for the notice
/// (<see cref="CatchUpAsync"/>), so a token made through one instance works through the next one straight away.
/// </summary>
internal sealed partial class PostgresAccountsDocuments(PostgresDatabase database, ILogger<PostgresAccountsDocuments> logger) : IAccountsDocuments
{
    private const string Channel = "smail_accounts";
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reading = new(1, 1);
    private long _version = -1;
    private Task<bool>? _queuedRead;
    private Task? _listening;

    public event Action<StoredAccounts>? ChangedElsewhere;

    public async Task<StoredAccounts> LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(-1, cancellationToken) ?? new StoredAccounts(0, AccountsDocument.Empty);
        InterlockedMax(ref _version, stored.Version);
        _listening ??= Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        return stored;
    }

    public async Task<StoredAccounts> ChangeAsync(Func<AccountsDocument, AccountsDocument> change)
    {
        var stored = await database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var create = new NpgsqlCommand("INSERT INTO accounts_document (id, version, document) VALUES (1, 0, @empty) ON CONFLICT DO NOTHING", connection, transaction))
            {
                create.Parameters.Add(new NpgsqlParameter("empty", NpgsqlDbType.Jsonb) { Value = Serialize(AccountsDocument.Empty) });
                await create.ExecuteNonQueryAsync();
            }
            long version;
            AccountsDocument document;
            await using (var read = new NpgsqlCommand("SELECT version, document FROM accounts_document WHERE id = 1 FOR UPDATE", connection, transaction))
            await using (var reader = await read.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                (version, document) = (reader.GetInt64(0), Deserialize(reader.GetString(1)));
            }
            var changed = new StoredAccounts(version + 1, change(document));
            await using (var write = new NpgsqlCommand(
                "UPDATE accounts_document SET version = @version, document = @document WHERE id = 1; SELECT pg_notify(@channel, @version::text)", connection, transaction))
            {
                write.Parameters.AddWithValue("version", changed.Version);
                write.Parameters.Add(new NpgsqlParameter("document", NpgsqlDbType.Jsonb) { Value = Serialize(changed.Document) });
                write.Parameters.AddWithValue("channel", Channel);
                await write.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
            return changed;
        }, CancellationToken.None);
        InterlockedMax(ref _version, stored.Version);
        return stored;
    }

    /// <summary>
    /// Callers that come while a read waits for its turn share it; one that comes while a read is under way waits
    /// for the next, which starts after it came, so every caller sees what was stored before it asked. A flood of
    /// unknown credentials is thus at most one small query at a time.
    /// </summary>
    /// <remarks>
    /// Its caller checks again whatever this read found: a read that finds nothing newer may have been beaten by the
    /// one before it (the notice's), which put the newer document in place before this one could start.
    /// </remarks>
    public Task CatchUpAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return (_queuedRead ??= Task.Run(ReadNewerWhenFreeAsync, CancellationToken.None)).WaitAsync(cancellationToken);
        }
    }

    private async Task<bool> ReadNewerWhenFreeAsync()
    {
        await _reading.WaitAsync(_stopping.Token);
        try
        {
            lock (_gate)
            {
                _queuedRead = null;
            }
            if (await ReadAsync(Interlocked.Read(ref _version), _stopping.Token) is not { } newer || !InterlockedMax(ref _version, newer.Version))
            {
                return false;
            }
            ChangedElsewhere?.Invoke(newer);
            return true;
        }
        finally
        {
            _reading.Release();
        }
    }

    /// <summary>The stored document when its version is newer than <paramref name="known"/>; only its version is sent otherwise.</summary>
    private Task<StoredAccounts?> ReadAsync(long known, CancellationToken cancellationToken) => database.RunAsync(async connection =>
    {
        await using var read = new NpgsqlCommand("SELECT version, CASE WHEN version > @known THEN document END FROM accounts_document WHERE id = 1", connection);
        read.Parameters.AddWithValue("known", known);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(1)
            ? new StoredAccounts(reader.GetInt64(0), Deserialize(reader.GetString(1)))
            : null;
    }, cancellationToken);

    /// <summary>
    /// Listens for changes on a connection of its own, for as long as Smail runs. When the connection breaks (a
    /// restart of PostgreSQL), it connects again and reads the document once, for the notices it missed meanwhile.
    /// </summary>
    private async Task ListenAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.Source.OpenConnectionAsync(stopping);
                connection.Notification += (_, notice) =>
                {
                    if (long.TryParse(notice.Payload, out var version) && version > Interlocked.Read(ref _version))
                    {
                        _ = CatchUpAsync(stopping).ContinueWith(static _ => { }, TaskScheduler.Default);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }
                await CatchUpAsync(stopping);
                delay = TimeSpan.FromMilliseconds(200);
                while (true)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or StorageException or IOException or TimeoutException)
            {
                LogListenFailed(ex.Message, delay.TotalSeconds);
                await Task.Delay(delay, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    /// <summary>Raises <paramref name="location"/> to <paramref name="value"/>; true when it was lower.</summary>
    private static bool InterlockedMax(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return true;
            }
            current = seen;
        }
        return false;
    }

    private static string Serialize(AccountsDocument document) => JsonSerializer.Serialize(document, AccountsJsonContext.Default.AccountsDocument);

    private static AccountsDocument Deserialize(string json) => AccountsDocument.Complete(JsonSerializer.Deserialize(json, AccountsJsonContext.Default.AccountsDocument));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_listening is not null)
        {
            await _listening;
        }
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not hearing of account changes from PostgreSQL ({Reason}); trying again in {Seconds:0.#} s")]
    private partial void LogListenFailed(string reason, double seconds);
}
