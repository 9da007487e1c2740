using System.Text;
using System.Text.Json;

namespace Smail.Sessions;

// Reading files: every summary at first use, whole conversations on demand, search, and what cannot be read.
internal sealed partial class JsonFileSessionStore
{
    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }
        await _loadLock.WaitAsync(cancellationToken);
        try
        {
            if (_loaded)
            {
                return;
            }
            Directory.CreateDirectory(_folder);
            // The undo window does not outlive the process: what was deleted before a restart goes now.
            if (Directory.Exists(_deletedFolder))
            {
                Directory.Delete(_deletedFolder, recursive: true);
            }
            var files = Directory.GetFiles(_folder, "*.json");
            // Synchronous reads on every core: thousands of small files are read fastest without async overhead.
            await Task.Run(() => Parallel.ForEach(files, new ParallelOptions { CancellationToken = cancellationToken }, file =>
            {
                if (ReadSummary(file) is { } summary)
                {
                    _summaries[summary.Id] = summary;
                }
            }), cancellationToken);
            _loaded = true;
            LogLoaded(_folder, _summaries.Count);
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private StoredSummary? ReadSummary(string file)
    {
        var id = Path.GetFileNameWithoutExtension(file);
        if (!SmailIds.IsValid(id))
        {
            return null;
        }
        byte[] bytes;
        try
        {
            using (var handle = File.OpenHandle(file))
            {
                Span<byte> prefix = stackalloc byte[SessionSummaryReader.PrefixBytes];
                var read = RandomAccess.Read(handle, prefix, 0);
                if (SessionSummaryReader.ReadPrefix(prefix[..read], isWholeFile: read < prefix.Length) is { } quick && quick.Id == id)
                {
                    return quick;
                }
            }
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Unreadable(file, null, ex.Message);
            return null;
        }
        if (SessionSummaryReader.Read(bytes) is { } summary && summary.Id == id)
        {
            return summary;
        }
        // Not a conversation as far as the summary can tell: read it whole, for the reason to give.
        return TryReadAsync(file, CancellationToken.None).GetAwaiter().GetResult() is { } session ? StoredSummary.From(session) : null;
    }

    /// <summary>The whole conversation, or null (and the file set aside, and said so) when it cannot be read.</summary>
    private async Task<Session?> TryReadAsync(string file, CancellationToken cancellationToken)
    {
        var id = Path.GetFileNameWithoutExtension(file);
        string? problem;
        try
        {
            await using var stream = File.OpenRead(file);
            var session = await JsonSerializer.DeserializeAsync(stream, SessionJsonContext.Default.Session, cancellationToken);
            if (session is not null && session.Id == id)
            {
                return session;
            }
            problem = "the file does not hold the conversation its name says";
        }
        catch (JsonException ex)
        {
            problem = ex.Message;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable where it is (permissions, a bad sector): leave it in place, say so, serve the rest.
            Unreadable(file, null, ex.Message);
            return null;
        }
        Quarantine(file, problem);
        return null;
    }

    private async Task<bool> ContentMatchesAsync(string id, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        var session = _cache.Get(id);
        if (session is null)
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(PathFor(id), cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
            // Most files lack most words: a plain byte search rules them out before any parsing. Only words
            // that JSON never escapes can be looked for that way.
            if (words.Any(w => IsPlainAscii(w) && !ContainsIgnoringAsciiCase(bytes, w)))
            {
                return false;
            }
            try
            {
                session = JsonSerializer.Deserialize(bytes, SessionJsonContext.Default.Session);
            }
            catch (JsonException)
            {
                return false;
            }
        }
        return session is not null && words.All(w => session.Title.Contains(w, StringComparison.OrdinalIgnoreCase)
            || session.Messages.Any(m => m.Content.Contains(w, StringComparison.OrdinalIgnoreCase)));
    }

    private static bool IsPlainAscii(string word) => word.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or ',' or ':' or ';' or '!' or '?');

    private static bool ContainsIgnoringAsciiCase(byte[] haystack, string word)
    {
        var lower = Encoding.ASCII.GetBytes(word.ToLowerInvariant());
        var upper = Encoding.ASCII.GetBytes(word.ToUpperInvariant());
        for (var i = 0; i <= haystack.Length - lower.Length; i++)
        {
            var j = 0;
            while (j < lower.Length && (haystack[i + j] == lower[j] || haystack[i + j] == upper[j]))
            {
                j++;
            }
            if (j == lower.Length)
            {
                return true;
            }
        }
        return false;
    }

    // A damaged file must not take the store down: move it aside, say so, and carry on with the rest.
    private void Quarantine(string file, string reason)
    {
        var movedTo = Path.Combine(_folder, "corrupt", $"{Path.GetFileName(file)}.{DateTime.UtcNow:yyyyMMddHHmmss}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(movedTo)!);
            File.Move(file, movedTo, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Unreadable(file, null, $"{reason}; it could not be moved aside either: {ex.Message}");
            return;
        }
        Unreadable(file, movedTo, reason);
    }

    private void Unreadable(string file, string? movedTo, string reason)
    {
        lock (_quarantined)
        {
            _quarantined.Add(new QuarantinedFile(Path.GetFileName(file), movedTo, reason));
        }
        LogUnreadable(file, reason, movedTo ?? "nowhere (left in place)");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session store at {Folder} holds {Count} conversations")]
    private partial void LogLoaded(string folder, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation file {File} could not be read ({Reason}); moved it to {MovedTo}. The other conversations are served as usual")]
    private partial void LogUnreadable(string file, string reason, string movedTo);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not remove the deleted conversation file {Path}")]
    private partial void LogPurgeFailed(Exception ex, string path);
}
