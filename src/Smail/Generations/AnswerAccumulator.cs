using System.Diagnostics;
using System.Text;
using Smail.Ollama;
using Smail.Sessions;

namespace Smail.Generations;

/// <summary>Collects an answer's text and timing as it streams, and turns them into the stored and streamed stats.</summary>
internal sealed class AnswerAccumulator
{
    private readonly StringBuilder _content = new();
    private readonly StringBuilder _thinking = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private long? _firstToken;
    private int _chunks;
    private int _chunksBeforeAttempt;
    private UpstreamStats? _upstream;

    /// <summary>Starts from an answer already written, when a stored answer is continued.</summary>
    public AnswerAccumulator(string content = "", string? thinking = null)
    {
        _content.Append(content);
        _thinking.Append(thinking);
    }

    /// <summary>Grows with every chunk: lets a checkpoint tell whether there is anything new to save.</summary>
    public int Version { get; private set; }

    public string Content => _content.ToString();
    public string? Thinking => _thinking.Length == 0 ? null : _thinking.ToString();
    public bool HasContent => _content.Length > 0;
    public bool HasThinking => _thinking.Length > 0;

    /// <summary>A new upstream attempt begins; its final stats count only its own tokens.</summary>
    public void BeginAttempt()
    {
        _chunksBeforeAttempt = _chunks;
        _upstream = null;
    }

    public void Add(UpstreamChunk chunk)
    {
        Version++;
        if (chunk.Content.Length > 0 || !string.IsNullOrEmpty(chunk.Thinking))
        {
            _firstToken ??= Stopwatch.GetTimestamp();
            _chunks++;
        }
        _content.Append(chunk.Content);
        _thinking.Append(chunk.Thinking);
        _upstream = chunk.Stats ?? _upstream;
    }

    /// <summary>Uses Ollama's own counts and eval duration when the answer finished, else what was seen.</summary>
    public MessageStats Stats()
    {
        var duration = Stopwatch.GetElapsedTime(_started);
        var ttft = _firstToken is { } first ? Stopwatch.GetElapsedTime(_started, first) : TimeSpan.Zero;
        var outputTokens = _upstream is null ? _chunks : _upstream.OutputTokens + _chunksBeforeAttempt;
        var evalSeconds = _upstream is { EvalDuration.Ticks: > 0 } ? _upstream.EvalDuration.TotalSeconds : (duration - ttft).TotalSeconds;
        // Under 50 ms a rate says more about clock resolution than about the model.
        var tokensPerSecond = evalSeconds >= 0.05 ? Math.Round(outputTokens / evalSeconds, 1) : 0;
        return new MessageStats(_upstream?.PromptTokens ?? 0, outputTokens, (long)ttft.TotalMilliseconds, (long)duration.TotalMilliseconds, tokensPerSecond);
    }

    public static DoneStats ToDoneStats(MessageStats stats) =>
        new(stats.PromptTokens, stats.OutputTokens, stats.TtftMs, stats.DurationMs, stats.TokensPerSecond);
}
