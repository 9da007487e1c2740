using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Smail.Accounts.Persistence;
using Smail.Sessions;

namespace Smail.Accounts;

/// <summary>
/// <c>smail users add NAME [--admin]</c>: adds an account, or resets an existing one's password (which signs
/// it out everywhere), without the web page. The password is read from standard input, never from the
/// command line, where other users of the machine could see it. Run it while Smail is stopped.
/// </summary>
internal static class UsersCommand
{
    public const string Name = "users";

    /// <summary>Whether <paramref name="args"/> ask for this command; the arguments meant for configuration are the rest.</summary>
    public static bool IsRequested(string[] args, out string[] configurationArgs)
    {
        configurationArgs = args is [Name, ..] ? [.. args.Skip(1).Where(a => a != "--admin").SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal))] : args;
        return args is [Name, ..];
    }

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration)
    {
        var words = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal) || a == "--admin").ToList();
        var admin = words.Remove("--admin");
        if (words is not ["add", var username])
        {
            await Console.Error.WriteLineAsync("Usage: smail users add NAME [--admin]   (the password is read from standard input)");
            return 2;
        }
        if (!Usernames.IsValid(username))
        {
            await Console.Error.WriteLineAsync("A user name is 1 to 64 letters, digits, and . _ - @.");
            return 2;
        }
        var password = ReadPassword();
        if (password is null || password.Length < Usernames.MinimumPasswordLength || password.Length > Usernames.MaximumPasswordLength)
        {
            await Console.Error.WriteLineAsync($"The password must be {Usernames.MinimumPasswordLength} to {Usernames.MaximumPasswordLength} characters.");
            return 2;
        }

        var storage = Options.Create(configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions());
        await using var dataSource = storage.Value.Provider == StorageProviders.Postgres
            ? Npgsql.NpgsqlDataSource.Create(configuration.GetConnectionString(Postgres.PostgresServiceCollectionExtensions.ConnectionStringName)
                ?? throw new InvalidOperationException("Storage:Provider is postgres, so this needs ConnectionStrings:Postgres."))
            : null;
        await using IAccountsDocuments documents = dataSource is null
            ? new AccountsFile(Path.GetFullPath(storage.Value.Path))
            : new Postgres.PostgresAccountsDocuments(new Postgres.PostgresDatabase(dataSource), NullLogger<Postgres.PostgresAccountsDocuments>.Instance);
        using var accounts = await AccountStore.OpenAsync(documents, TimeProvider.System, new Revocations());
        var audit = new AuditLog(storage, TimeProvider.System, NullLoggerFactory.Instance);
        var hash = new PasswordHasher<Account>().HashPassword(null!, password);
        if (accounts.FindByName(username) is { } existing)
        {
            var updated = await accounts.UpdateAsync(existing.Id, a => a with
            {
                PasswordHash = hash,
                Status = AccountStatus.Active,
                Role = admin ? Roles.Admin : a.Role,
                SecurityStamp = AccountStore.NewStamp(),
            });
            audit.Record(AuditActions.PasswordSet, null, "command line", updated!.Id, updated.Username, "reset from the command line");
            Console.WriteLine($"Reset the password of {updated.Username} ({updated.Role}); their other sign-ins and tokens stop working.");
            return 0;
        }
        var created = await accounts.CreateAsync(username, hash, AccountStatus.Active, admin: admin);
        audit.Record(AuditActions.SignUp, null, "command line", created!.Id, created.Username, "added from the command line");
        Console.WriteLine($"Added {created.Username} ({created.Role}).");
        return 0;
    }

    // Without echo on a terminal; one line from a pipe.
    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }
        Console.Error.Write("Password: ");
        var password = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
            {
                password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return password.ToString();
    }
}
