using System.Runtime.InteropServices;

namespace Smail.Sessions;

/// <summary>
/// Replaces a file so that a crash at any moment leaves either the old or the new content, never a mix:
/// write a temporary file beside it, flush it to the disk, rename it over the target, flush the folder.
/// </summary>
internal static partial class AtomicFile
{
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        FlushDirectory(directory);
    }

    /// <summary>
    /// The same, synchronously, for a dedicated thread; the folder is flushed by the caller, once for a batch
    /// of files (<see cref="FlushDirectory"/>).
    /// </summary>
    public static void WriteWithoutFolderFlush(string path, ReadOnlySpan<byte> content)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var handle = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                RandomAccess.Write(handle, content, 0);
                RandomAccess.FlushToDisk(handle);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    // The rename lives in the folder's own metadata; without this fsync a power cut can undo it.
    public static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }
        var descriptor = NativeMethods.Open(directory, 0);
        if (descriptor < 0)
        {
            return;
        }
        _ = NativeMethods.Fsync(descriptor);
        _ = NativeMethods.Close(descriptor);
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync")]
        public static partial int Fsync(int descriptor);

        [LibraryImport("libc", EntryPoint = "close")]
        public static partial int Close(int descriptor);
    }
}
