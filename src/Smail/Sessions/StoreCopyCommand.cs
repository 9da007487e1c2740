using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Smail.Journal;
using Smail.Postgres;

namespace Smail.Sessions;

/// <summary>
/// <c>smail store copy --from json --to postgres</c>: moves an installation's conversations from one store to the
/// other (either way), with Smail stopped. The source's journal is replayed into it first, so an answer a crash
/// left in the journal is copied too. A conversation the target already has is left as it is, so a copy that was
/// interrupted can simply be run again. Settings are the usual ones (<c>Storage:Path</c>, <c>ConnectionStrings:Postgres</c>).
/// </summary>
internal static class StoreCopyCommand
{
    public const string Name = "store";

    public static bool IsRequested(string[] args, out string[] configurationArgs)
    {
        var requested = args is [Name, "copy", ..];
        configurationArgs = requested ? [.. args.Skip(2).Where((a, i) => !IsOwnOption(args.Skip(2).ToArray(), i))] : args;
        return requested;
    }

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output)
    {
        var rest = args.Skip(2).ToArray();
        var from = ValueOf(rest, "--from");
        var to = ValueOf(rest, "--to");
        string[] providers = [StorageProviders.Json, StorageProviders.Postgres];
        if (from is null || to is null || from == to || !providers.Contains(from) || !providers.Contains(to))
        {
            await output.WriteLineAsync("Usage: smail store copy --from json --to postgres   (or --from postgres --to json), with Smail stopped");
            return 2;
        }
        var storage = Options.Create(configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions());
        await using var source = await OpenAsync(from, storage, configuration);
        await using var target = await OpenAsync(to, storage, configuration);
        if (from == StorageProviders.Json)
        {
            // What a crash left in the journal belongs to the conversations being copied.
            await new JournalReplay(source.Store, storage, TimeProvider.System, NullLogger<JournalReplay>.Instance).StartAsync(CancellationToken.None);
            await source.Store.FlushAsync();
        }

        int copied = 0, kept = 0;
        foreach (var summary in (await source.Store.ListAsync(CancellationToken.None)).Reverse())
        {
            if (await target.Store.FindAsync(summary.Id, CancellationToken.None) is not null)
            {
                kept++;
                continue;
            }
            if (await source.Store.GetAsync(summary.Id, CancellationToken.None) is { } session)
            {
                await target.Store.CreateAsync(session, CancellationToken.None);
                copied++;
            }
        }
        await target.Store.FlushAsync();
        await output.WriteLineAsync($"Copied {copied} conversations from {from} ({source.Where}) to {to} ({target.Where}); " +
            $"{kept} were there already and were left as they are.");
        return 0;
    }

    private static async Task<OpenStore> OpenAsync(string provider, IOptions<StorageOptions> storage, IConfiguration configuration)
    {
        if (provider == StorageProviders.Json)
        {
            var json = new JsonFileSessionStore(storage, TimeProvider.System, NullLogger<JsonFileSessionStore>.Instance);
            return new OpenStore(json, Path.GetFullPath(storage.Value.Path), json, null);
        }
        var connectionString = configuration.GetConnectionString(PostgresServiceCollectionExtensions.ConnectionStringName)
            ?? throw new InvalidOperationException("Copying to or from PostgreSQL needs ConnectionStrings:Postgres.");
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var postgres = new PostgresSessionStore(new PostgresReady(dataSource), storage, TimeProvider.System);
        await postgres.CheckAsync(CancellationToken.None);
        return new OpenStore(postgres, postgres.Where, null, dataSource);
    }

    private static string? ValueOf(string[] args, string option) =>
        Array.IndexOf(args, option) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

    // "--from json" and "--to postgres" are the command's; every other argument is configuration.
    private static bool IsOwnOption(string[] args, int index) =>
        args[index] is "--from" or "--to" || (index > 0 && args[index - 1] is "--from" or "--to");

    private sealed record OpenStore(ISessionStore Store, string Where, IDisposable? Owned, NpgsqlDataSource? DataSource) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Owned?.Dispose();
            if (DataSource is not null)
            {
                await DataSource.DisposeAsync();
            }
        }
    }
}
