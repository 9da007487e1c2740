using Npgsql;

namespace Smail.Postgres;

/// <summary>
/// The schema, migrated once per process before the first statement that needs it (<see cref="PostgresSchema"/>
/// takes care of other instances). Every PostgreSQL-backed part of Smail waits on the same one.
/// </summary>
internal sealed class PostgresReady(NpgsqlDataSource source)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public NpgsqlDataSource Source => source;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                await PostgresSchema.MigrateAsync(source, cancellationToken);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
