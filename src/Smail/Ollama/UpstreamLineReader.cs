using System.Runtime.CompilerServices;

namespace Smail.Ollama;

/// <summary>
/// Reads a streamed response body line by line as bytes, for the parser to read in place: no string per
/// line and no decoding before the JSON reader. A line is valid until the next call. Both Ollama's NDJSON
/// and an SSE body are lines.
/// </summary>
/// <remarks>
/// One buffer per reader for its whole life, not a PipeReader: a pipe rents from the shared array pool on
/// every read and returns when consumed, and with a thousand streams waiting at once the pool overflows, so
/// every token allocated 4 KiB that was still alive at the next garbage collection.
/// </remarks>
internal sealed class UpstreamLineReader(Stream body)
{
    /// <summary>A longer line is not a line of a chat stream; the buffer stops growing there.</summary>
    public const int MaxLineBytes = 8 * 1024 * 1024;

    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private bool _ended;

    /// <summary>The next line without its line ending; false at the end of the body.</summary>
    /// <exception cref="InvalidDataException">A line longer than <see cref="MaxLineBytes"/>.</exception>
    // Pooled: this runs once per token per answer, and most calls wait for the network.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(bool Read, ReadOnlyMemory<byte> Line)> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = _start;
        while (true)
        {
            var newline = _buffer.AsSpan(scanned, _end - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = _buffer.AsMemory(_start, scanned + newline - _start);
                _start = scanned + newline + 1;
                return (true, TrimCarriageReturn(line));
            }
            if (_ended)
            {
                // A last line without a line ending still counts, once.
                var rest = _buffer.AsMemory(_start, _end - _start);
                _start = _end;
                return rest.IsEmpty ? (false, default) : (true, TrimCarriageReturn(rest));
            }
            scanned = _end;
            MakeRoom(ref scanned);
            var read = await body.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                _ended = true;
            }
            _end += read;
        }
    }

    /// <summary>
    /// The next line within <paramref name="idle"/> of asking: <paramref name="deadline"/> (linked to the caller's
    /// token) is pushed back on every call, and its firing, not the caller's cancel, is a stall. A broken body is
    /// the client's own connection-lost, and an endless line a malformed response.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(bool Read, ReadOnlyMemory<byte> Line)> ReadLineAsync(
        CancellationTokenSource deadline, TimeSpan idle, IStreamFaults faults, CancellationToken cancellationToken)
    {
        deadline.CancelAfter(idle);
        try
        {
            return await ReadLineAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw faults.Stalled(idle);
        }
        catch (InvalidDataException ex)
        {
            throw new UpstreamException(UpstreamErrorKind.MalformedResponse, ex.Message, inner: ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw faults.ConnectionLost(ex);
        }
    }

    // Moves the partial line to the front, and grows the buffer only for a line longer than it.
    private void MakeRoom(ref int scanned)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            scanned -= _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
            {
                throw new InvalidDataException($"The upstream sent a line longer than {MaxLineBytes / 1024 / 1024} MB.");
            }
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }

    private static ReadOnlyMemory<byte> TrimCarriageReturn(ReadOnlyMemory<byte> line) =>
        !line.IsEmpty && line.Span[^1] == (byte)'\r' ? line[..^1] : line;
}
