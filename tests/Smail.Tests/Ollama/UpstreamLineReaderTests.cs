using System.Text;
using Smail.Ollama;

namespace Smail.Tests.Ollama;

/// <summary>Lines come out whole and in order however the body is cut into reads.</summary>
public sealed class UpstreamLineReaderTests
{
    /// <summary>A body that hands out at most a few bytes per read, as a slow network does.</summary>
    private sealed class TricklingStream(byte[] bytes, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private int _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, _random.Next(1, 9)), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return Read(buffer.Span);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static async Task<List<string>> ReadAllAsync(string body, int seed)
    {
        var reader = new UpstreamLineReader(new TricklingStream(Encoding.UTF8.GetBytes(body), seed));
        var lines = new List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None) is (true, var line))
        {
            lines.Add(Encoding.UTF8.GetString(line.Span));
        }
        return lines;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task EveryLine_ComesOutWholeAndInOrder_WhateverTheReadSizes(int seed)
    {
        var expected = Enumerable.Range(0, 5_000).Select(i => $"{{\"n\":{i},\"text\":\"Grüß {i} 👋🏽\"}}").ToList();

        var lines = await ReadAllAsync(string.Join('\n', expected) + "\n", seed);

        Assert.Equal(expected, lines);
    }

    [Fact]
    public async Task ALineLongerThanTheBuffer_GrowsIt_AndALineBeyondTheLimit_IsRefused()
    {
        var longLine = new string('x', 100_000);
        Assert.Equal([longLine, "next"], await ReadAllAsync(longLine + "\nnext\n", seed: 5));

        var reader = new UpstreamLineReader(new MemoryStream(new byte[UpstreamLineReader.MaxLineBytes + 1]));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadLineAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CarriageReturns_EmptyLines_AndALastLineWithoutAnEnding_AreKept()
    {
        var lines = await ReadAllAsync("one\r\n\ntwo\nthree", seed: 7);

        Assert.Equal(["one", "", "two", "three"], lines);
    }
}
