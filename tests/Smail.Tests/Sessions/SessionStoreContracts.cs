using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Smail.Postgres;
using Smail.Sessions;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Sessions;

/// <summary>The store contract against the JSON files of one folder per test.</summary>
public sealed class JsonFileSessionStoreContract : SessionStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smail-store-contract", Guid.NewGuid().ToString("N"));

    private protected override Task<ISessionStore> OpenStoreAsync(TimeSpan undoWindow) =>
        Task.FromResult<ISessionStore>(new JsonFileSessionStore(
            Options.Create(new StorageOptions { Path = _folder, UndoWindow = undoWindow }), TimeProvider.System, NullLogger<JsonFileSessionStore>.Instance));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>One real PostgreSQL for a test class, started before its first test and stopped after its last.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The store contract against a real PostgreSQL, one new database per test; each store is another instance.</summary>
public sealed class PostgresSessionStoreContract(PostgresFixture postgres) : SessionStoreContract, IClassFixture<PostgresFixture>
{
    private readonly List<NpgsqlDataSource> _sources = [];
    private string _database = null!;

    public override async Task InitializeAsync() => _database = await postgres.Server.CreateDatabaseAsync();

    private protected override Task<ISessionStore> OpenStoreAsync(TimeSpan undoWindow)
    {
        var source = NpgsqlDataSource.Create(_database);
        _sources.Add(source);
        return Task.FromResult<ISessionStore>(new PostgresSessionStore(new PostgresDatabase(source), Options.Create(new StorageOptions { UndoWindow = undoWindow }), TimeProvider.System));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }
    }
}
