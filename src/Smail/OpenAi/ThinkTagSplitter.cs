namespace Smail.OpenAi;

/// <summary>
/// Reasoning that arrives inline, as <c>&lt;think&gt;…&lt;/think&gt;</c> at the start of the content (DeepSeek-R1
/// distills on llama.cpp without a reasoning parser), becomes thinking. A tag may be split across chunks, so
/// text that could still be the start of a tag is held back until the next chunk says what it is.
/// </summary>
internal sealed class ThinkTagSplitter
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    private enum State { Start, Thinking, Answer }

    private State _state = State.Start;
    private string _held = "";

    /// <summary>Splits the next piece of content into (answer text, thinking text); either may be empty.</summary>
    public (string Content, string Thinking) Push(string piece)
    {
        var text = _held + piece;
        _held = "";
        switch (_state)
        {
            case State.Answer:
                return (text, "");
            case State.Start:
            {
                var trimmed = text.TrimStart();
                if (trimmed.StartsWith(Open, StringComparison.Ordinal))
                {
                    _state = State.Thinking;
                    return Push(trimmed[Open.Length..]);
                }
                if (Open.StartsWith(trimmed, StringComparison.Ordinal))
                {
                    _held = text; // "<thi": wait for more.
                    return ("", "");
                }
                _state = State.Answer;
                return (text, "");
            }
            default:
            {
                var end = text.IndexOf(Close, StringComparison.Ordinal);
                if (end >= 0)
                {
                    _state = State.Answer;
                    var after = text[(end + Close.Length)..].TrimStart('\n');
                    return (after, text[..end]);
                }
                var keep = PartialSuffix(text, Close);
                _held = text[^keep..];
                return ("", text[..^keep]);
            }
        }
    }

    /// <summary>What is held back at the end of the stream: an unfinished tag was text after all.</summary>
    public (string Content, string Thinking) Flush()
    {
        var held = _held;
        _held = "";
        return _state == State.Thinking ? ("", held) : (held, "");
    }

    // How many characters at the end of text could begin the tag.
    private static int PartialSuffix(string text, string tag)
    {
        for (var length = Math.Min(tag.Length - 1, text.Length); length > 0; length--)
        {
            if (tag.StartsWith(text.AsSpan(text.Length - length), StringComparison.Ordinal))
            {
                return length;
            }
        }
        return 0;
    }
}
