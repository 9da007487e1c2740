using Npgsql;

namespace Smail.Postgres;

/// <summary>
/// Creates and migrates Smail's tables on start. Several instances may start at once: each takes the same
/// session-level advisory lock first, so one migrates while the others wait and then find nothing to do. Each
/// migration runs in its own transaction with the row that records it, so a crash mid-way leaves the schema at the
/// version before it.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Any fixed number: the advisory lock every Smail instance takes to migrate.</summary>
    private const long MigrationLock = 0x5_3D_A1_1C_0D_E5;

    /// <summary>The migrations in order; the schema's version is how many of them ran. Never edit one that shipped.</summary>
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE conversations (
            id text PRIMARY KEY,
            owner_id text,
            title text NOT NULL,
            model text,
            updated_at timestamptz NOT NULL,
            message_count integer NOT NULL,
            has_streaming boolean NOT NULL,
            -- Set while a deleted conversation can still be restored; the row goes after the undo window.
            deleted_at timestamptz,
            -- The conversation without its messages, as the JSON store writes it (title, prompt, options, owner, …).
            head jsonb NOT NULL
        );
        CREATE INDEX conversations_listed ON conversations (updated_at DESC) WHERE deleted_at IS NULL;
        CREATE TABLE messages (
            conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            id text NOT NULL,
            position integer NOT NULL,
            body jsonb NOT NULL,
            PRIMARY KEY (conversation_id, id)
        );
        """,
        """
        -- The accounts, sign-ins and tokens as one document, as accounts.json holds them: every instance keeps it in
        -- memory and hears of a change by NOTIFY smail_accounts (the new version).
        CREATE TABLE accounts_document (
            id integer PRIMARY KEY CHECK (id = 1),
            version bigint NOT NULL,
            document jsonb NOT NULL
        );
        -- The keys that encrypt sign-in cookies, shared so that any instance reads a cookie any other wrote.
        CREATE TABLE data_protection_keys (
            name text PRIMARY KEY,
            xml text NOT NULL
        );
        """,
        """
        -- The journal of answers in progress (Journal/AnswerJournal): one row per line, in the order written. The lines
        -- of a generation go once its conversation holds them ("saved"); what is left after a crash is replayed.
        CREATE TABLE journal (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            generation text NOT NULL,
            line jsonb NOT NULL
        );
        CREATE INDEX journal_generation ON journal (generation);
        """,
        """
        -- Files sent with messages, by the SHA-256 of their bytes (Attachments/): stored once, never changed. Which
        -- conversation may read one is in the conversation's head.
        CREATE TABLE attachment_blobs (
            hash text PRIMARY KEY,
            bytes bytea NOT NULL
        );
        """,
    ];

    public static int LatestVersion => s_migrations.Length;

    /// <summary>Brings the database up to <see cref="LatestVersion"/>; returns the version it found.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS smail_schema (version integer NOT NULL)", cancellationToken);
            await using var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM smail_schema", connection);
            var found = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            if (found > s_migrations.Length)
            {
                throw new InvalidOperationException(
                    $"The database's Smail schema is version {found}, newer than this Smail knows ({s_migrations.Length}). Upgrade Smail, or use another database.");
            }
            for (var version = found + 1; version <= s_migrations.Length; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, s_migrations[version - 1], cancellationToken);
                await ExecuteAsync(connection, transaction, $"INSERT INTO smail_schema (version) VALUES ({version})", cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            return found;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
