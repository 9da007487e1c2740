using System.Diagnostics;

namespace Smail.Tests.Infrastructure;

/// <summary>
/// Real disk faults for the store tests. Root ignores permission bits, so "read-only" is the immutable
/// attribute (chattr +i), and "full" is a tiny tmpfs: both refuse writes even to root. Both need root.
/// </summary>
public static class DiskFaults
{
    /// <summary>Makes a folder refuse new files and renames until the returned handle is disposed.</summary>
    public static IDisposable MakeReadOnly(string folder)
    {
        Run("chattr", "+i", folder);
        return new Undo(() => Run("chattr", "-i", folder));
    }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> at <paramref name="folder"/> until disposed.</summary>
    public static IDisposable MountTinyDisk(string folder, int bytes)
    {
        Directory.CreateDirectory(folder);
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", folder);
        return new Undo(() => Run("umount", "-l", folder));
    }

    /// <summary>Fills the disk holding <paramref name="folder"/> until a write fails.</summary>
    public static void Fill(string folder)
    {
        using var filler = File.OpenWrite(Path.Combine(folder, "filler.bin"));
        var block = new byte[4096];
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    private static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed (these tests run as root): {error}");
        }
    }

    private sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
