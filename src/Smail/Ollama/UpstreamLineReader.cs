using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Smail.Ollama;

/// <summary>
/// Reads a streamed response body line by line as bytes, for the parser to read in place: no string per
/// line and no decoding before the JSON reader. A line is valid until the next call. Both Ollama's NDJSON
/// and an SSE body are lines.
/// </summary>
internal sealed class UpstreamLineReader(Stream body) : IAsyncDisposable
{
    private readonly PipeReader _pipe = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _completed;

    /// <summary>The next line without its line ending; false at the end of the body.</summary>
    // Pooled: this runs once per token per answer, and most calls wait for the network.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(bool Read, ReadOnlySequence<byte> Line)> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_holding)
            {
                if (_buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = _buffer.Slice(0, end);
                    _buffer = _buffer.Slice(_buffer.GetPosition(1, end));
                    return (true, TrimCarriageReturn(line));
                }
                if (_completed)
                {
                    // A last line without a line ending still counts, once.
                    var rest = _buffer;
                    _buffer = _buffer.Slice(_buffer.End);
                    return rest.IsEmpty ? (false, default) : (true, TrimCarriageReturn(rest));
                }
                // Everything before _buffer's start is consumed; the rest is an incomplete line to read more of.
                _pipe.AdvanceTo(_buffer.Start, _buffer.End);
                _holding = false;
            }
            var result = await _pipe.ReadAsync(cancellationToken);
            _buffer = result.Buffer;
            _completed = result.IsCompleted || result.IsCanceled;
            _holding = true;
        }
    }

    private static ReadOnlySequence<byte> TrimCarriageReturn(ReadOnlySequence<byte> line) =>
        !line.IsEmpty && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r' ? line.Slice(0, line.Length - 1) : line;

    public async ValueTask DisposeAsync()
    {
        if (_holding)
        {
            _pipe.AdvanceTo(_buffer.End);
        }
        await _pipe.CompleteAsync();
    }
}
