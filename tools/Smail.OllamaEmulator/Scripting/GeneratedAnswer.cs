namespace Smail.OllamaEmulator.Scripting;

/// <summary>
/// The answer to a request no test scripted: a short markdown reply about the prompt, paced like a
/// small model on a laptop, so the page can be worked on without a GPU.
/// </summary>
internal static class GeneratedAnswer
{
    private static readonly TimeSpan s_coldLoad = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan s_warmStart = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan s_perToken = TimeSpan.FromMilliseconds(25);

    public static ChatScript For(string prompt, EmulatedModel model, bool loaded)
    {
        var quoted = prompt.Length > 120 ? prompt[..120] + "…" : prompt;
        var text =
            $"You asked: *{quoted.ReplaceLineEndings(" ")}*\n\n" +
            $"This answer comes from the **Ollama emulator** pretending to be `{model.Name}`. " +
            "It streams markdown token by token so you can watch the page at work:\n\n" +
            "1. a numbered list,\n2. some `inline code`,\n3. and a fenced block:\n\n" +
            "```csharp\nConsole.WriteLine(\"Hello from Smail\");\n```\n\n" +
            "| metric | value |\n| --- | --- |\n| tokens | about 90 |\n| speed | about 40 tok/s |\n";
        var tokens = Tokenize(text).ToArray();
        var script = ChatScript.Answer(tokens).WithDelays(loaded ? s_warmStart : s_coldLoad, s_perToken);
        return model.CanThink
            ? script.WithThinking("The user", " wants", " to see", " a streamed", " answer.", " I will", " show", " markdown.")
            : script;
    }

    // Word-sized pieces with their leading whitespace, roughly what a tokenizer produces.
    private static IEnumerable<string> Tokenize(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1])))
            {
                yield return text[start..i];
                start = i;
            }
        }
    }
}
