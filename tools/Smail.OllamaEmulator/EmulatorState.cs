using Smail.OllamaEmulator.Scripting;

namespace Smail.OllamaEmulator;

/// <summary>Everything one emulator instance remembers: its models, queued scripts and received requests.</summary>
internal sealed class EmulatorState
{
    public const string Version = "0.12.11";

    public ModelCatalog Catalog { get; } = new();
    public ScriptQueue Scripts { get; } = new();
    public RequestLog Requests { get; } = new();
}
