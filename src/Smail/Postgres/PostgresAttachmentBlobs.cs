using Npgsql;
using Smail.Attachments;

namespace Smail.Postgres;

/// <summary>Attachments' bytes in PostgreSQL (<c>attachment_blobs</c>), so every instance serves every file.</summary>
internal sealed class PostgresAttachmentBlobs(PostgresDatabase database) : IAttachmentBlobs
{
    public Task PutAsync(string hash, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        database.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("INSERT INTO attachment_blobs (hash, bytes) VALUES (@hash, @bytes) ON CONFLICT (hash) DO NOTHING", connection);
            command.Parameters.AddWithValue("hash", hash);
            command.Parameters.AddWithValue("bytes", bytes);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken) =>
        database.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT bytes FROM attachment_blobs WHERE hash = @hash", connection);
            command.Parameters.AddWithValue("hash", hash);
            return await command.ExecuteScalarAsync(cancellationToken) as byte[];
        }, cancellationToken);
}
