using Npgsql;

namespace Smail.Postgres;

/// <summary>
/// Smail's one PostgreSQL database, and the one way to work in it: <see cref="RunAsync{T}"/> migrates the schema
/// once per process before the first statement (<see cref="PostgresSchema"/> takes care of other instances), runs
/// the work on a pooled connection, tries once more on a new connection when the pool's were left over from before
/// a restart of PostgreSQL, and reports any other failure as a <see cref="Sessions.StorageException"/>. The
/// conversations, the accounts and the journal go through it (the cookie keys through its synchronous twin,
/// <see cref="Run{T}"/>), so each recovers from a restart alike.
/// </summary>
internal sealed class PostgresDatabase(NpgsqlDataSource source)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _migrated;

    public NpgsqlDataSource Source => source;

    /// <summary>Where the database is, without the password: for messages and health.</summary>
    public string Where { get; } = Describe(source.ConnectionString);

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection, once the schema is current. A database that cannot be
    /// reached, or that fails the statement, is a <see cref="Sessions.StorageException"/>: the API answers 503, and
    /// an uncommitted transaction changed nothing.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateAsync(cancellationToken);
                await using var connection = await source.OpenConnectionAsync(cancellationToken);
                return await work(connection);
            }
            catch (Exception ex) when (attempt == 1 && IsStaleConnection(ex) && !cancellationToken.IsCancellationRequested)
            {
                // The pool held connections from before PostgreSQL restarted: drop them all and try once more on a
                // new one. The failed attempt's transaction never committed, and every write is keyed (a message by
                // its id, the accounts by their version), so trying again cannot write anything twice.
                source.Clear();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                throw Sessions.StorageException.Database(Where, ex);
            }
        }
    }

    /// <summary>
    /// <see cref="RunAsync{T}"/>'s synchronous twin, with the same stale-pool retry, for callers that must answer
    /// synchronously (ASP.NET Core's key ring asks for the cookie keys under its own lock, with requests queued behind
    /// it): synchronous all the way down, because a thread that waits there for a task another pool thread must finish
    /// can starve the pool.
    /// </summary>
    public T Run<T>(Func<NpgsqlConnection, T> work)
    {
        MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            using var connection = source.OpenConnection();
            return work(connection);
        }
        catch (Exception ex) when (IsStaleConnection(ex))
        {
            source.Clear();
            using var connection = source.OpenConnection();
            return work(connection);
        }
    }

    /// <summary>The schema, migrated once per process; a failure is tried again by the next caller.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_migrated)
            {
                await PostgresSchema.MigrateAsync(source, cancellationToken);
                _migrated = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A pooled connection the server closed: an administrator's shutdown, or a socket that ended.</summary>
    private static bool IsStaleConnection(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown } => true,
        NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException or EndOfStreamException } => true,
        _ => false,
    };

    /// <summary>Host, port and database of a connection string: never its password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
