using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Smail.Journal;
using Smail.Postgres;

namespace Smail.Sessions;

/// <summary>
/// <c>smail store copy --from json --to postgres</c>: moves an installation's conversations and accounts (with their
/// sign-ins and tokens) from one store to the other (either way), with Smail stopped. The source's journal is
/// replayed into it first, so an answer a crash left in the journal is copied too. A conversation the target already
/// has is left as it is, and accounts are copied only to a target that has none, so a copy that was interrupted can
/// simply be run again. Settings are the usual ones (<c>Storage:Path</c>, <c>ConnectionStrings:Postgres</c>).
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
        // What a crash left in the source's journal belongs to the conversations being copied.
        await new JournalReplay(source.Store, source.Journal, TimeProvider.System, NullLogger<JournalReplay>.Instance).StartAsync(CancellationToken.None);
        await source.Store.FlushAsync();

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
        await output.WriteLineAsync(await CopyAccountsAsync(source, target));
        return 0;
    }

    /// <summary>The whole accounts document, to a target that has no account yet; never merged into one that has.</summary>
    private static async Task<string> CopyAccountsAsync(OpenStore source, OpenStore target)
    {
        var accounts = (await source.Accounts.LoadAsync(CancellationToken.None)).Document;
        await target.Accounts.LoadAsync(CancellationToken.None);
        var copied = false;
        await target.Accounts.ChangeAsync(existing =>
        {
            copied = existing.Accounts.IsEmpty && !accounts.Accounts.IsEmpty;
            return copied ? accounts : existing;
        });
        return copied
            ? $"Copied {accounts.Accounts.Count} accounts, with their sign-ins and {accounts.Tokens.Count} API tokens."
            : accounts.Accounts.IsEmpty ? "There were no accounts to copy." : "The target has accounts already: they were left as they are.";
    }

    private static async Task<OpenStore> OpenAsync(string provider, IOptions<StorageOptions> storage, IConfiguration configuration)
    {
        if (provider == StorageProviders.Json)
        {
            var json = new JsonFileSessionStore(storage, TimeProvider.System, NullLogger<JsonFileSessionStore>.Instance);
            return new OpenStore(json, new Accounts.Persistence.AccountsFile(Path.GetFullPath(storage.Value.Path)),
                new JournalFiles(storage, NullLogger<JournalFiles>.Instance), Path.GetFullPath(storage.Value.Path), json, null);
        }
        var connectionString = configuration.GetConnectionString(PostgresServiceCollectionExtensions.ConnectionStringName)
            ?? throw new InvalidOperationException("Copying to or from PostgreSQL needs ConnectionStrings:Postgres.");
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var database = new PostgresDatabase(dataSource);
        var postgres = new PostgresSessionStore(database, storage, TimeProvider.System);
        await postgres.CheckAsync(CancellationToken.None);
        return new OpenStore(postgres, new PostgresAccountsDocuments(database, NullLogger<PostgresAccountsDocuments>.Instance),
            new PostgresJournalLines(database), postgres.Where, null, dataSource);
    }

    private static string? ValueOf(string[] args, string option) =>
        Array.IndexOf(args, option) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

    // "--from json" and "--to postgres" are the command's; every other argument is configuration.
    private static bool IsOwnOption(string[] args, int index) =>
        args[index] is "--from" or "--to" || (index > 0 && args[index - 1] is "--from" or "--to");

    private sealed record OpenStore(
        ISessionStore Store, Accounts.Persistence.IAccountsDocuments Accounts, IJournalLines Journal, string Where, IDisposable? Owned, NpgsqlDataSource? DataSource)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Owned?.Dispose();
            await Accounts.DisposeAsync();
            if (DataSource is not null)
            {
                await DataSource.DisposeAsync();
            }
        }
    }
}
