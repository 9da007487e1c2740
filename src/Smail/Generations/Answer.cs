using System.Diagnostics;
using System.Text;
using Smail.Ollama;
using Smail.Sessions;

namespace Smail.Generations;

/// <summary>
/// The text and timing of the answer a generation writes. It has one writer, the generation's runner, and
/// no reader on another thread: listeners read the event log, the store gets a finished copy.
/// </summary>
internal sealed class Answer
{
    private readonly StringBuilder _content = new();
    private readonly StringBuilder _thinking = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private long? _firstToken;
    private int _chunks;
    private int _chunksBeforeAttempt;
    private UpstreamStats? _upstream;

    /// <summary>Starts from an answer already written, when a stored answer is continued.</summary>
    public Answer(AnswerSeed? seed = null)
    {
        _content.Append(seed?.Content);
        _thinking.Append(seed?.Thinking);
    }

    public string Content => _content.ToString();
    public string? Thinking => _thinking.Length == 0 ? null : _thinking.ToString();

    /// <summary>Whether it has any text, thinking included.</summary>
    public bool HasText => _content.Length > 0 || _thinking.Length > 0;
    public bool HasContent => _content.Length > 0;
    public bool HasFirstToken => _firstToken is not null;

    /// <summary>A new upstream attempt begins; its final stats count only its own tokens.</summary>
    public void BeginAttempt()
    {
        _chunksBeforeAttempt = _chunks;
        _upstream = null;
    }

    /// <summary>The answer is written again from its beginning: its text so far, a continuation's seed too, is dropped.</summary>
    public void Restart()
    {
        _content.Clear();
        _thinking.Clear();
        _chunks = 0;
        _chunksBeforeAttempt = 0;
    }

    public void Add(UpstreamChunk chunk)
    {
        if (chunk.Content.Length > 0 || !string.IsNullOrEmpty(chunk.Thinking))
        {
            _firstToken ??= Stopwatch.GetTimestamp();
            _chunks++;
        }
        _content.Append(chunk.Content);
        _thinking.Append(chunk.Thinking);
        _upstream = chunk.Stats ?? _upstream;
    }

    /// <summary>Uses the upstream's own counts and eval duration when the answer finished, else what was seen.</summary>
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
}

/// <summary>The text an answer already has when it is continued.</summary>
internal sealed record AnswerSeed(string Content, string? Thinking);
