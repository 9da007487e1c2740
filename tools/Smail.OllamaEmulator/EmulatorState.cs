using Smail.OllamaEmulator.Scripting;

namespace Smail.OllamaEmulator;

/// <summary>Everything one emulator instance remembers: its models, queued scripts and received requests.</summary>
internal sealed class EmulatorState
{
    public const string Version = "0.12.11";

    public ModelCatalog Catalog { get; } = new();
    public ScriptQueue Scripts { get; } = new();
    public RequestLog Requests { get; } = new();

    /// <summary>What /api/pull can pull, and how.</summary>
    public PullSettings Pulls { get; } = new();

    /// <summary>How the OpenAI-compatible endpoints (/v1) behave: which server they play.</summary>
    public Wire.OpenAiSettings OpenAi { get; } = new();

    /// <summary>While true the server is "down": every connection is dropped before an answer, as a crashed Ollama's would be.</summary>
    public bool Down { get; set; }
}
