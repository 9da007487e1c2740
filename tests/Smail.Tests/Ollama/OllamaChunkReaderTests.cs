using System.Buffers;
using System.Text;
using Smail.Ollama;

namespace Smail.Tests.Ollama;

/// <summary>Ollama's stream lines, read in place: split across the body's buffers at any byte, or hostile.</summary>
public sealed class OllamaChunkReaderTests
{
    private const string Final =
        """{"model":"llama3.2","created_at":"2026-11-25T10:00:00Z","message":{"role":"assistant","content":"Grüß \"dich\" 👋🏽","thinking":"hm","images":null,"tool_calls":[{"function":{"name":"x"}}]},"done":true,"done_reason":"length","total_duration":5000000000,"load_duration":1000,"prompt_eval_count":12,"prompt_eval_duration":2000,"eval_count":34,"eval_duration":3000,"extra":{"nested":[1,2,{"a":null}]}}""";

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>The line cut into pieces of <paramref name="size"/> bytes, each its own segment.</summary>
    private static ReadOnlySequence<byte> Split(string line, int size)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var at = size; at < bytes.Length; at += size)
        {
            last = last.Append(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void AFinalLine_ReadsTheSame_HoweverItIsSplit(int size)
    {
        var chunk = OllamaChunkReader.Read(Split(Final, size));

        Assert.Equal("Grüß \"dich\" 👋🏽", chunk.Message!.Content);
        Assert.Equal("hm", chunk.Message.Thinking);
        Assert.True(chunk.Done);
        Assert.Equal("length", chunk.DoneReason);
        Assert.Equal((5000000000L, 1000L, 12, 2000L, 34, 3000L),
            (chunk.TotalDuration, chunk.LoadDuration, chunk.PromptEvalCount, chunk.PromptEvalDuration, chunk.EvalCount, chunk.EvalDuration));
        Assert.Null(chunk.Error);
    }

    [Fact]
    public void AnErrorLine_CarriesItsMessage()
    {
        var chunk = OllamaChunkReader.Read(Split("""{"error":"an error was encountered while running the model"}""", 2));

        Assert.Equal("an error was encountered while running the model", chunk.Error);
        Assert.Null(chunk.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[1,2]")]
    [InlineData("""{"message":{"content":"cut""")]
    [InlineData("""{"message":"text"}""")]
    [InlineData("""{"message":{"content":7}}""")]
    [InlineData("""{"done":"yes"}""")]
    [InlineData("""{"eval_count":1e400}""")]
    [InlineData("""{"eval_count":99999999999}""")]
    [InlineData("""{"done":true} {"done":true}""")]
    public void AMalformedLine_IsAMalformedResponse_NamingTheLine(string line)
    {
        var error = Assert.Throws<UpstreamException>(() => OllamaChunkReader.Read(Split(line, 3)));

        Assert.Equal(UpstreamErrorKind.MalformedResponse, error.Kind);
        Assert.Contains(line[..Math.Min(line.Length, 8)], error.Message, StringComparison.Ordinal);
    }
}
