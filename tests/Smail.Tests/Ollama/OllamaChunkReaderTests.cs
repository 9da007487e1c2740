using System.Text;
using Smail.Ollama;

namespace Smail.Tests.Ollama;

/// <summary>Ollama's stream lines, read in place: whole, with fields Smail skips, escaped names, or hostile.</summary>
public sealed class OllamaChunkReaderTests
{
    private const string Final =
        """{"model":"llama3.2","created_at":"2026-11-25T10:00:00Z","message":{"role":"assistant","content":"Grüß \"dich\" 👋🏽","thinking":"hm","images":null,"tool_calls":[{"function":{"name":"x"}}]},"done":true,"done_reason":"length","total_duration":5000000000,"load_duration":1000,"prompt_eval_count":12,"prompt_eval_duration":2000,"eval_count":34,"eval_duration":3000,"extra":{"nested":[1,2,{"a":null}]}}""";

    [Fact]
    public void AFinalLine_GivesItsTextAndStats_AndSkipsWhatSmailDoesNotRead()
    {
        var chunk = OllamaChunkReader.Read(Encoding.UTF8.GetBytes(Final));

        Assert.Equal("Grüß \"dich\" 👋🏽", chunk.Message!.Content);
        Assert.Equal("hm", chunk.Message.Thinking);
        Assert.True(chunk.Done);
        Assert.Equal("length", chunk.DoneReason);
        Assert.Equal((5000000000L, 1000L, 12, 2000L, 34, 3000L),
            (chunk.TotalDuration, chunk.LoadDuration, chunk.PromptEvalCount, chunk.PromptEvalDuration, chunk.EvalCount, chunk.EvalDuration));
        Assert.Null(chunk.Error);
    }

    [Fact]
    public void EscapedFieldNames_AreReadAsTheSerializerWould()
    {
        var chunk = OllamaChunkReader.Read("""{"mess\u0061ge":{"content":"hi"},"done":false}"""u8);

        Assert.Equal("hi", chunk.Message!.Content);
    }

    [Fact]
    public void AnErrorLine_CarriesItsMessage()
    {
        var chunk = OllamaChunkReader.Read("""{"error":"an error was encountered while running the model"}"""u8);

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
        var error = Assert.Throws<UpstreamException>(() => OllamaChunkReader.Read(Encoding.UTF8.GetBytes(line)));

        Assert.Equal(UpstreamErrorKind.MalformedResponse, error.Kind);
        Assert.Contains(line[..Math.Min(line.Length, 8)], error.Message, StringComparison.Ordinal);
    }
}
