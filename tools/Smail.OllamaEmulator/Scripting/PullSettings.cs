namespace Smail.OllamaEmulator.Scripting;

/// <summary>
/// How /api/pull behaves: which models the "registry" has, how fast their layers arrive, and the faults a test asks
/// for (a dropped connection, a pause until the test releases it).
/// </summary>
public sealed class PullSettings
{
    /// <summary>What can be pulled; a pulled model joins the catalog. Any other name is "file does not exist", as on ollama.com.</summary>
    public List<EmulatedModel> Registry { get; } =
    [
        new("mistral:7b", "llama", "7.2B", "Q4_K_M", 4_113_301_824,
            "6577803aa9a036369e481d648a2baebb381ebc6e897f2bb9a766a2aa7bfbc1cf", ["completion", "tools"]),
        new("phi3:mini", "phi3", "3.8B", "Q4_0", 2_176_178_913,
            "4f222292793889a9a40a020799cfd28d53f3e01af25d48e06c5e708610fc47e9", ["completion"]),
    ];

    /// <summary>Progress lines per layer.</summary>
    public int Steps { get; set; } = 20;

    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>When set, the connection drops after this many progress lines, as a network that fails mid-download does.</summary>
    public int? DropAfterSteps { get; set; }

    /// <summary>When set, the download stalls after its first progress line (repeating it) until this completes.</summary>
    public Task? Hold { get; set; }
}
