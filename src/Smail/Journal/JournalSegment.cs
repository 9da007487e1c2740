using Microsoft.Win32.SafeHandles;

namespace Smail.Journal;

/// <summary>One journal file: where the next line goes, and which ids still have lines in it that no conversation file holds.</summary>
internal sealed class JournalSegment(string path, SafeFileHandle handle)
{
    public string Path { get; } = path;
    public SafeFileHandle Handle { get; } = handle;
    public long Length { get; set; }
    public HashSet<string> UnsavedIds { get; } = [];

    public static JournalSegment Open(string folder, long number) => new(
        System.IO.Path.Combine(folder, FileName(number)),
        File.OpenHandle(System.IO.Path.Combine(folder, FileName(number)), FileMode.CreateNew, FileAccess.Write, FileShare.Read));

    public static string FileName(long number) => $"{number:D12}.journal";

    /// <summary>The journal files in a folder, oldest first.</summary>
    public static IReadOnlyList<(long Number, string Path)> List(string folder) =>
        !Directory.Exists(folder) ? [] : [.. Directory.EnumerateFiles(folder, "*.journal")
            .Select(path => (Number: long.TryParse(System.IO.Path.GetFileNameWithoutExtension(path), out var n) ? n : -1, Path: path))
            .Where(file => file.Number >= 0)
            .OrderBy(file => file.Number)];
}
