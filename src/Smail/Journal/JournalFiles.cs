using System.Text.Json;
using Microsoft.Extensions.Options;
using Smail.Sessions;

namespace Smail.Journal;

/// <summary>
/// The journal files of this instance (<see cref="JournalWriter"/>'s), read at start for replay. Only this process
/// writes them, and it has not written any yet, so every line is this instance's and all of them go once replayed.
/// </summary>
internal sealed partial class JournalFiles(IOptions<StorageOptions> storage, ILogger<JournalFiles> logger) : IJournalLines
{
    private IReadOnlyList<(long Number, string Path)> _read = [];

    public bool Shared => false;

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(CancellationToken cancellationToken)
    {
        _read = JournalSegment.List(JournalWriter.JournalFolder(storage.Value));
        var entries = new List<JournalEntry>();
        foreach (var (_, path) in _read)
        {
            entries.AddRange(await ReadAsync(path, cancellationToken));
        }
        return entries;
    }

    /// <summary>Deletes the files read: replay applied every line in them.</summary>
    public Task ForgetAsync(IReadOnlyCollection<string>? generations, CancellationToken cancellationToken)
    {
        foreach (var (_, path) in _read)
        {
            File.Delete(path);
        }
        if (_read.Count > 0)
        {
            LogForgotten(_read.Count);
        }
        return Task.CompletedTask;
    }

    // The last line of a killed process may be torn: every line that parses counts, the rest is skipped.
    private async Task<List<JournalEntry>> ReadAsync(string path, CancellationToken ct)
    {
        var entries = new List<JournalEntry>();
        foreach (var line in await File.ReadAllLinesAsync(path, ct))
        {
            try
            {
                if (line.Length > 0 && JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalEntry) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                LogTornLine(path);
            }
        }
        return entries;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed the journal's {Files} files into the conversations, and removed them")]
    private partial void LogForgotten(int files);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a journal line of {Path} that was cut off mid-write")]
    private partial void LogTornLine(string path);
}
