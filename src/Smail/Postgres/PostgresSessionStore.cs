using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Smail.Sessions;

namespace Smail.Postgres;

/// <summary>
/// Conversations in PostgreSQL, for several Smail instances sharing one store (<c>Storage:Provider=postgres</c>).
/// Nothing is cached: another instance may have written since. A conversation is a row (its summary columns and
/// the rest of it as <c>head</c>) and its messages are rows, so an answer's end rewrites one message, not the whole
/// conversation. Every change runs in a transaction that first locks the conversation's row, so writes to one
/// conversation are serialised by the database, across instances. A staged change is written through: the
/// database is durable, so there is nothing to save later. Design: docs/decisions/0009-postgres-store.md.
/// </summary>
internal sealed class PostgresSessionStore(PostgresDatabase database, IOptions<StorageOptions> options, TimeProvider time) : ISessionStore
{
    private const string SummaryColumns = "id, owner_id, title, model, head->>'createdAt', head->>'updatedAt', message_count, has_streaming";
    private int _purgedAtStart;

    /// <summary>Where the store is, without the password: for messages and health.</summary>
    public string Where => database.Where;

    public Task<IReadOnlyList<StoredSummary>> ListAsync(CancellationToken cancellationToken) =>
        RunAsync(async connection => await ReadSummariesAsync(new NpgsqlCommand(
            $"SELECT {SummaryColumns} FROM conversations WHERE deleted_at IS NULL ORDER BY updated_at DESC, id", connection), cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredSummary>> SearchAsync(IReadOnlyList<string> words, Func<StoredSummary, bool> among, CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            // Every word in the title or in one of the messages, in any case: the JSON store's rule.
            var command = new NpgsqlCommand { Connection = connection };
            var conditions = new List<string> { "c.deleted_at IS NULL" };
            for (var i = 0; i < words.Count; i++)
            {
                command.Parameters.AddWithValue($"w{i}", "%" + EscapeLike(words[i]) + "%");
                conditions.Add($"(c.title ILIKE @w{i} OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.body->>'content' ILIKE @w{i}))");
            }
            command.CommandText = $"SELECT {SummaryColumns} FROM conversations c WHERE {string.Join(" AND ", conditions)} ORDER BY updated_at DESC, id";
            return (IReadOnlyList<StoredSummary>)[.. (await ReadSummariesAsync(command, cancellationToken)).Where(among)];
        }, cancellationToken);

    public async Task<StoredSummary?> FindAsync(string id, CancellationToken cancellationToken) =>
        SmailIds.IsValid(id) && await SummariesWhereAsync("id = @id AND deleted_at IS NULL", id, cancellationToken) is [var found] ? found : null;

    public async Task<StoredSummary?> FindDeletedAsync(string id, CancellationToken cancellationToken) =>
        SmailIds.IsValid(id) && await SummariesWhereAsync("id = @id AND deleted_at > @since", id, cancellationToken) is [var found] ? found : null;

    public async Task<Session?> GetAsync(string id, CancellationToken cancellationToken) =>
        SmailIds.IsValid(id) ? await RunAsync(connection => ReadAsync(connection, null, id, cancellationToken), cancellationToken) : null;

    public async Task CreateAsync(Session session, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(session.Id))
        {
            throw new ArgumentException($"'{session.Id}' is not a valid conversation id.", nameof(session));
        }
        await RunAsync<bool>(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Command(
                "INSERT INTO conversations (id, owner_id, title, model, updated_at, message_count, has_streaming, head) VALUES (@id, @owner, @title, @model, @updated, @count, @streaming, @head)",
                session));
            for (var i = 0; i < session.Messages.Count; i++)
            {
                batch.BatchCommands.Add(UpsertMessage(session.Id, i, session.Messages[i]));
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    public async Task<Session?> UpdateAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        return await RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // FOR UPDATE: another instance changing this conversation waits here until this one commits.
            if (await ReadAsync(connection, transaction, id, cancellationToken) is not { } current)
            {
                return null;
            }
            var updated = change(current);
            await WriteChangesAsync(connection, transaction, current, updated, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return updated;
        }, cancellationToken);
    }

    /// <summary>Written through, as <see cref="UpdateAsync"/>: a committed row is as durable as the journal.</summary>
    public Task<Session?> StageAsync(string id, Func<Session, Session> change, CancellationToken cancellationToken) =>
        UpdateAsync(id, change, cancellationToken);

    /// <summary>Everything staged is already in the database.</summary>
    public void SaveLater(string id, Action saved) => saved();

    public Task FlushAsync() => Task.CompletedTask;

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return false;
        }
        var deleted = await RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("UPDATE conversations SET deleted_at = @now WHERE id = @id AND deleted_at IS NULL", connection);
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("now", time.GetUtcNow().UtcDateTime);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);
        if (deleted)
        {
            _ = PurgeAfterUndoWindowAsync();
        }
        return deleted;
    }

    public async Task<Session?> RestoreAsync(string id, CancellationToken cancellationToken)
    {
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        return await RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("UPDATE conversations SET deleted_at = NULL WHERE id = @id AND deleted_at > @since", connection);
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("since", (time.GetUtcNow() - options.Value.UndoWindow).UtcDateTime);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? await ReadAsync(connection, null, id, cancellationToken) : null;
        }, cancellationToken);
    }

    public async Task<StoreHealth> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(async connection =>
            {
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                return await command.ExecuteScalarAsync(cancellationToken);
            }, cancellationToken);
            return new StoreHealth(Where, true, []) { Provider = StorageProviders.Postgres };
        }
        catch (StorageException)
        {
            return new StoreHealth(Where, false, []) { Provider = StorageProviders.Postgres };
        }
    }

    /// <summary>Deletes for good what was deleted longer ago than the undo window (any instance may; it is idempotent).</summary>
    public Task PurgeAsync(CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("DELETE FROM conversations WHERE deleted_at <= @since", connection);
            command.Parameters.AddWithValue("since", (time.GetUtcNow() - options.Value.UndoWindow).UtcDateTime);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    private async Task PurgeAfterUndoWindowAsync()
    {
        try
        {
            await Task.Delay(options.Value.UndoWindow + TimeSpan.FromMilliseconds(50), time);
            await PurgeAsync(CancellationToken.None);
        }
        catch (StorageException)
        {
            // The next delete, or the next start, purges it.
        }
    }

    /// <summary>Runs <paramref name="work"/> as <see cref="PostgresDatabase.RunAsync{T}"/> does; the first run also purges.</summary>
    private Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _purgedAtStart, 1) == 0)
        {
            // What was deleted before a restart, and is past its undo window now.
            _ = PurgeAsync(CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        return database.RunAsync(work, cancellationToken);
    }

    private async Task<IReadOnlyList<StoredSummary>> SummariesWhereAsync(string condition, string id, CancellationToken cancellationToken) =>
        await RunAsync(async connection =>
        {
            var command = new NpgsqlCommand($"SELECT {SummaryColumns} FROM conversations WHERE {condition}", connection);
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("since", (time.GetUtcNow() - options.Value.UndoWindow).UtcDateTime);
            return await ReadSummariesAsync(command, cancellationToken);
        }, cancellationToken);

    private static async Task<IReadOnlyList<StoredSummary>> ReadSummariesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var summaries = new List<StoredSummary>();
            while (await reader.ReadAsync(cancellationToken))
            {
                summaries.Add(new StoredSummary(reader.GetString(0), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetInt32(6), reader.GetBoolean(7))
                {
                    OwnerId = reader.IsDBNull(1) ? null : reader.GetString(1),
                });
            }
            return summaries;
        }
    }

    /// <summary>The conversation with its messages; inside a transaction, its row stays locked until the transaction ends.</summary>
    private static async Task<Session?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var head = new NpgsqlBatchCommand("SELECT head FROM conversations WHERE id = @id AND deleted_at IS NULL" + (transaction is null ? "" : " FOR UPDATE"));
        head.Parameters.AddWithValue("id", id);
        var messages = new NpgsqlBatchCommand("SELECT body FROM messages WHERE conversation_id = @id ORDER BY position");
        messages.Parameters.AddWithValue("id", id);
        batch.BatchCommands.Add(head);
        batch.BatchCommands.Add(messages);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var session = JsonSerializer.Deserialize(reader.GetString(0), SessionJsonContext.Default.Session)!;
        await reader.NextResultAsync(cancellationToken);
        var list = System.Collections.Immutable.ImmutableList.CreateBuilder<ChatMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(JsonSerializer.Deserialize(reader.GetString(0), SessionJsonContext.Default.ChatMessage)!);
        }
        return session with { Messages = list.ToImmutable() };
    }

    /// <summary>
    /// Writes what <paramref name="change"/> changed: the conversation's row, the messages that are new, changed
    /// (a change makes a new record) or moved, and the removal of the ones that are gone.
    /// </summary>
    private static async Task WriteChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Session before, Session after, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(
            "UPDATE conversations SET owner_id = @owner, title = @title, model = @model, updated_at = @updated, message_count = @count, has_streaming = @streaming, head = @head WHERE id = @id",
            after));
        var old = before.Messages.Select((m, i) => (m, i)).ToDictionary(p => p.m.Id, p => p);
        for (var i = 0; i < after.Messages.Count; i++)
        {
            var message = after.Messages[i];
            if (!(old.TryGetValue(message.Id, out var was) && ReferenceEquals(was.m, message) && was.i == i))
            {
                batch.BatchCommands.Add(UpsertMessage(after.Id, i, message));
            }
        }
        var gone = before.Messages.Select(m => m.Id).Except(after.Messages.Select(m => m.Id)).ToArray();
        if (gone.Length > 0)
        {
            var remove = new NpgsqlBatchCommand("DELETE FROM messages WHERE conversation_id = @id AND id = ANY(@gone)");
            remove.Parameters.AddWithValue("id", after.Id);
            remove.Parameters.AddWithValue("gone", gone);
            batch.BatchCommands.Add(remove);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, Session session)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("id", session.Id);
        command.Parameters.AddWithValue("owner", (object?)session.OwnerId ?? DBNull.Value);
        command.Parameters.AddWithValue("title", session.Title);
        command.Parameters.AddWithValue("model", (object?)session.Model ?? DBNull.Value);
        command.Parameters.AddWithValue("updated", session.UpdatedAt.UtcDateTime);
        command.Parameters.AddWithValue("count", session.Messages.Count);
        command.Parameters.AddWithValue("streaming", session.Messages.Any(m => m.Status == MessageStatus.Streaming));
        command.Parameters.Add(new NpgsqlParameter("head", NpgsqlDbType.Jsonb)
        {
            Value = JsonSerializer.Serialize(session with { Messages = [] }, SessionJsonContext.Default.Session),
        });
        return command;
    }

    private static NpgsqlBatchCommand UpsertMessage(string conversation, int position, ChatMessage message)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO messages (conversation_id, id, position, body) VALUES (@conversation, @id, @position, @body) " +
            "ON CONFLICT (conversation_id, id) DO UPDATE SET position = excluded.position, body = excluded.body");
        command.Parameters.AddWithValue("conversation", conversation);
        command.Parameters.AddWithValue("id", message.Id);
        command.Parameters.AddWithValue("position", position);
        command.Parameters.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(message, SessionJsonContext.Default.ChatMessage) });
        return command;
    }

    private static string EscapeLike(string word) => word.Replace(@"\", @"\\", StringComparison.Ordinal)
        .Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
