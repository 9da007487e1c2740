using System.Globalization;

namespace Smail.OllamaEmulator.Scripting;

/// <summary>What can go wrong in one scripted /api/chat answer.</summary>
public enum ChatFault
{
    None,
    /// <summary>Answer with <see cref="ChatScript.StatusCode"/> and an <c>{"error"}</c> body instead of a stream.</summary>
    Status,
    /// <summary>Abort the connection after <see cref="ChatScript.FaultAfter"/> chunks.</summary>
    ResetAfter,
    /// <summary>Write an <c>{"error"}</c> line after K chunks and close a 200 stream, as Ollama does.</summary>
    ErrorLineAfter,
    /// <summary>Write a line that is not JSON after K chunks and close the stream.</summary>
    MalformedLineAfter,
    /// <summary>Stop sending after K chunks and hold the connection open until the client leaves.</summary>
    StallAfter,
}

/// <summary>One piece of a streamed answer: answer text, reasoning text, or both.</summary>
public sealed record ScriptedChunk(string Content, string? Thinking = null);

/// <summary>
/// How the emulator answers one /api/chat request: the chunks, their timing and an optional fault.
/// Tests queue scripts; a request with no script queued gets a generated answer.
/// </summary>
public sealed record ChatScript
{
    public IReadOnlyList<ScriptedChunk> Chunks { get; init; } = [];
    public TimeSpan HeadersDelay { get; init; }
    public TimeSpan ChunkDelay { get; init; }
    public ChatFault Fault { get; init; }
    public int FaultAfter { get; init; }
    public int StatusCode { get; init; } = 200;
    public string? ErrorMessage { get; init; }
    public string DoneReason { get; init; } = "stop";
    public int PromptEvalCount { get; init; } = 26;

    /// <summary>Sent as <c>Retry-After</c> (whole seconds) with a <see cref="ChatFault.Status"/> answer on the OpenAI-compatible wire.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Played as a model continues: asked with a trailing assistant message that starts this answer, it sends only
    /// the rest of it (<see cref="After"/>). For a test that cannot know where an answer will break off.
    /// </summary>
    public bool ContinuesPrefill { get; init; }

    /// <summary>
    /// After <see cref="HoldAfterChunks"/> chunks, the answer waits for this task before it goes on (<see cref="HoldAfter"/>):
    /// for a test that must act while an answer is surely running, however slow the machine.
    /// </summary>
    public Task? Hold { get; init; }
    public int HoldAfterChunks { get; init; }

    /// <summary>The same answer, paused after <paramref name="chunks"/> chunks until <paramref name="release"/> completes.</summary>
    public ChatScript HoldAfter(int chunks, Task release) => this with { Hold = release, HoldAfterChunks = chunks };

    /// <summary>The same answer, written as a model continues one: see <see cref="ContinuesPrefill"/>.</summary>
    public ChatScript Continuing() => this with { ContinuesPrefill = true };

    /// <summary>
    /// What is left of the answer after <paramref name="prefill"/>, when this script continues one and the prefill is
    /// the start of its text (a chunk the prefill ends inside is cut there); otherwise the script as it is.
    /// </summary>
    public ChatScript After(string? prefill)
    {
        if (!ContinuesPrefill || string.IsNullOrEmpty(prefill))
        {
            return this;
        }
        var written = 0;
        var rest = new List<ScriptedChunk>();
        foreach (var chunk in Chunks)
        {
            var end = written + chunk.Content.Length;
            if (end <= prefill.Length)
            {
                if (!prefill.AsSpan(written).StartsWith(chunk.Content, StringComparison.Ordinal))
                {
                    return this; // not this answer's start
                }
            }
            else if (written < prefill.Length)
            {
                var cut = prefill.Length - written;
                if (!chunk.Content.AsSpan(0, cut).SequenceEqual(prefill.AsSpan(written)))
                {
                    return this;
                }
                rest.Add(chunk with { Content = chunk.Content[cut..], Thinking = null });
            }
            else
            {
                rest.Add(chunk with { Thinking = null });
            }
            written = end;
        }
        return this with { Chunks = rest };
    }

    public static ChatScript Answer(params string[] chunks) =>
        new() { Chunks = [.. chunks.Select(c => new ScriptedChunk(c))] };

    /// <summary>Splits <paramref name="text"/> into chunks of whole text elements, so no chunk splits an emoji.</summary>
    public static ChatScript Answer(string text, int elementsPerChunk) =>
        Answer([.. SplitTextElements(text, elementsPerChunk)]);

    public static ChatScript Status(int statusCode, string message) =>
        new() { Fault = ChatFault.Status, StatusCode = statusCode, ErrorMessage = message };

    public ChatScript WithRetryAfter(TimeSpan wait) => this with { RetryAfter = wait };

    public ChatScript WithThinking(params string[] thinking) =>
        this with { Chunks = [.. thinking.Select(t => new ScriptedChunk("", t)), .. Chunks] };

    public ChatScript WithDelays(TimeSpan headers, TimeSpan betweenChunks) =>
        this with { HeadersDelay = headers, ChunkDelay = betweenChunks };

    public ChatScript ResetAfter(int chunks) => this with { Fault = ChatFault.ResetAfter, FaultAfter = chunks };

    public ChatScript ErrorLineAfter(int chunks, string message = "an error was encountered while running the model") =>
        this with { Fault = ChatFault.ErrorLineAfter, FaultAfter = chunks, ErrorMessage = message };

    public ChatScript MalformedLineAfter(int chunks) => this with { Fault = ChatFault.MalformedLineAfter, FaultAfter = chunks };

    public ChatScript StallAfter(int chunks) => this with { Fault = ChatFault.StallAfter, FaultAfter = chunks };

    public string AnswerText => string.Concat(Chunks.Select(c => c.Content));

    private static IEnumerable<string> SplitTextElements(string text, int elementsPerChunk)
    {
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        var chunk = new System.Text.StringBuilder();
        var count = 0;
        while (enumerator.MoveNext())
        {
            chunk.Append(enumerator.GetTextElement());
            if (++count == elementsPerChunk)
            {
                yield return chunk.ToString();
                chunk.Clear();
                count = 0;
            }
        }
        if (chunk.Length > 0)
        {
            yield return chunk.ToString();
        }
    }
}
