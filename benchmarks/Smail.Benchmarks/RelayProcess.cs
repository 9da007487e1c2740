using System.Diagnostics;

namespace Smail.Benchmarks;

/// <summary>The AI SDK relay (benchmarks/ai-sdk-relay) as its own Node process, pointed at the same emulator.</summary>
internal sealed class RelayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RelayProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }
    public int Id => _process.Id;

    public static async Task<RelayProcess> StartAsync(Uri ollama, string repoRoot)
    {
        var folder = Path.Combine(repoRoot, "benchmarks", "ai-sdk-relay");
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            using var install = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--silent"]) { WorkingDirectory = folder })!;
            await install.WaitForExitAsync();
        }
        var start = new ProcessStartInfo("node", ["relay.mjs"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            Environment = { ["OLLAMA_URL"] = ollama.ToString().TrimEnd('/'), ["PORT"] = "0", ["UV_THREADPOOL_SIZE"] = "4" },
        };
        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
            ?? throw new InvalidOperationException("The relay exited before it listened.");
        return new RelayProcess(process, new Uri($"http://127.0.0.1:{line.Split(' ')[1]}/"));
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
