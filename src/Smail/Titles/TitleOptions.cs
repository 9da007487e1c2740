namespace Smail.Titles;

/// <summary>Titles the model writes after a conversation's first answer (<c>Titles:*</c>).</summary>
internal sealed class TitleOptions
{
    public const string Section = "Titles";

    /// <summary>false: conversations keep the first message's words as their title.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The model that writes titles (a small, fast one, say); by default the one that wrote the answer.</summary>
    public string? Model { get; set; }

    /// <summary>A title that takes longer than this is given up, and the conversation keeps the one it has.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}
