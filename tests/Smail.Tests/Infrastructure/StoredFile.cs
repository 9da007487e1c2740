namespace Smail.Tests.Infrastructure;

/// <summary>
/// Conversation files catch up with the journal off the request path, a moment after an answer ends:
/// tests that read a file wait for the state they expect, never for a fixed time.
/// </summary>
public static class StoredFile
{
    public static async Task<string> WaitUntilAsync(string path, Func<string, bool> holds, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (File.Exists(path) && await File.ReadAllTextAsync(path, deadline.Token) is var text && holds(text))
            {
                return text;
            }
            await Task.Delay(20, deadline.Token);
        }
    }
}
