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
/// <c>smail_accounts</c> in the same transaction. Each instance listens on its own connection and reloads on a
/// version newer than its own, so a sign-out or a revoked token on one instance ends the requests on all of them.
/// </summary>
internal sealed partial class PostgresAccountsDocuments(PostgresReady database, ILogger<PostgresAccountsDocuments> logger) : IAccountsDocuments
{
    private const string Channel = "smail_accounts";
    private readonly CancellationTokenSource _stopping = new();
    private long _version = -1;
    private Task? _listening;

    public event Action<AccountsDocument>? ChangedElsewhere;

    private NpgsqlDataSource Source => database.Source;

    public async Task<AccountsDocument> LoadAsync(CancellationToken cancellationToken)
    {
        var (version, document) = await ReadAsync(cancellationToken);
        Interlocked.Exchange(ref _version, version);
        _listening ??= Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        return document;
    }

    public async Task<AccountsDocument> ChangeAsync(Func<AccountsDocument, AccountsDocument> change)
    {
        try
        {
            await database.EnsureAsync(CancellationToken.None);
            await using var connection = await Source.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var create = new NpgsqlCommand("INSERT INTO accounts_document (id, version, document) VALUES (1, 0, @empty) ON CONFLICT DO NOTHING", connection, transaction))
            {
                create.Parameters.Add(new NpgsqlParameter("empty", NpgsqlDbType.Jsonb) { Value = Serialize(AccountsDocument.Empty) });
                await create.ExecuteNonQueryAsync();
            }
            long version;
            AccountsDocument stored;
            await using (var read = new NpgsqlCommand("SELECT version, document FROM accounts_document WHERE id = 1 FOR UPDATE", connection, transaction))
            await using (var reader = await read.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                (version, stored) = (reader.GetInt64(0), Deserialize(reader.GetString(1)));
            }
            var changed = change(stored);
            await using (var write = new NpgsqlCommand(
                "UPDATE accounts_document SET version = @version, document = @document WHERE id = 1; SELECT pg_notify(@channel, @version::text)", connection, transaction))
            {
                write.Parameters.AddWithValue("version", version + 1);
                write.Parameters.Add(new NpgsqlParameter("document", NpgsqlDbType.Jsonb) { Value = Serialize(changed) });
                write.Parameters.AddWithValue("channel", Channel);
                await write.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
            InterlockedMax(ref _version, version + 1);
            return changed;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw StorageException.Database(PostgresSessionStore.Describe(Source.ConnectionString), ex);
        }
    }

    private async Task<(long Version, AccountsDocument Document)> ReadAsync(CancellationToken cancellationToken)
    {
        await database.EnsureAsync(cancellationToken);
        await using var connection = await Source.OpenConnectionAsync(cancellationToken);
        await using var read = new NpgsqlCommand("SELECT version, document FROM accounts_document WHERE id = 1", connection);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), Deserialize(reader.GetString(1)))
            : (0, AccountsDocument.Empty);
    }

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
                await using var connection = await Source.OpenConnectionAsync(stopping);
                connection.Notification += (_, notice) =>
                {
                    if (long.TryParse(notice.Payload, out var version) && version > Interlocked.Read(ref _version))
                    {
                        _ = ReloadAsync(stopping);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }
                await ReloadAsync(stopping);
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
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                LogListenFailed(ex.Message, delay.TotalSeconds);
                await Task.Delay(delay, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task ReloadAsync(CancellationToken stopping)
    {
        try
        {
            var (version, document) = await ReadAsync(stopping);
            if (InterlockedMax(ref _version, version))
            {
                ChangedElsewhere?.Invoke(document);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The listener's next connection reads it again.
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
