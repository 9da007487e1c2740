using Microsoft.Extensions.Options;
using Smail.Sessions;

namespace Smail.Attachments;

/// <summary>
/// Blobs as files beside the JSON store: <c>{Storage:Path}/attachments/ab/abcdef…</c> (the first two hex digits spread
/// them over folders). Written as conversations are, atomically, so a crash never leaves half a file under a hash.
/// </summary>
internal sealed class FileAttachmentBlobs(IOptions<StorageOptions> options) : IAttachmentBlobs
{
    private string Folder => Path.Combine(Path.GetFullPath(options.Value.Path), "attachments");

    public async Task PutAsync(string hash, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            return;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await AtomicFile.WriteAsync(path, bytes, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(Folder, ex);
        }
    }

    public async Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(PathOf(hash), cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Only a hash ever becomes a path: the id was checked to be 64 hex digits before it got here.</summary>
    private string PathOf(string hash) => AttachmentIds.IsValid(hash)
        ? Path.Combine(Folder, hash[..2], hash)
        : throw new ArgumentException("Not an attachment id.", nameof(hash));
}

internal static class AttachmentIds
{
    /// <summary>The id of these bytes: their SHA-256, in lowercase hex.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    public static bool IsValid(string? id) => id is { Length: 64 } && id.All(char.IsAsciiHexDigitLower);
}
