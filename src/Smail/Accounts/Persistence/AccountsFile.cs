using System.Text.Json;
using Smail.Sessions;

namespace Smail.Accounts.Persistence;

/// <summary>
/// <c>accounts.json</c> beside the conversations, written atomically; one process writes it, so its lock is a
/// process-local one and nothing ever changes it elsewhere.
/// </summary>
internal sealed class AccountsFile(string folder) : IAccountsDocuments
{
    public const string FileName = "accounts.json";

    private readonly string _path = Path.Combine(folder, FileName);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private StoredAccounts _current = new(0, AccountsDocument.Empty);

    public event Action<StoredAccounts>? ChangedElsewhere { add { } remove { } }

    public Task<StoredAccounts> LoadAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        _current = new StoredAccounts(0, Read(_path));
        return Task.FromResult(_current);
    }

    public async Task<StoredAccounts> ChangeAsync(Func<AccountsDocument, AccountsDocument> change)
    {
        await _writeLock.WaitAsync();
        try
        {
            var changed = change(_current.Document);
            await AtomicFile.WriteAsync(_path, JsonSerializer.SerializeToUtf8Bytes(changed, AccountsJsonContext.Default.AccountsDocument), CancellationToken.None);
            _current = new StoredAccounts(_current.Version + 1, changed);
            return _current;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Nobody else writes the file: there is never anything newer to read.</summary>
    public Task CatchUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _writeLock.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The document in the file; an empty one when there is no file yet.</summary>
    public static AccountsDocument Read(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return AccountsDocument.Complete(JsonSerializer.Deserialize(file, AccountsJsonContext.Default.AccountsDocument));
        }
        catch (FileNotFoundException)
        {
            return AccountsDocument.Empty;
        }
        // Any other failure (unreadable, malformed) stops the start: running without the accounts would lock
        // everyone out, or worse, let the next sign-up become the first admin.
    }
}
