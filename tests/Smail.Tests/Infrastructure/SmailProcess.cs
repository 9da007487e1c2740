using System.Diagnostics;

namespace Smail.Tests.Infrastructure;

/// <summary>
/// Smail as a real, separate process: for what only a process shows (kill -9, its own memory), used by
/// the crash tests and the benchmarks.
/// </summary>
public sealed class SmailProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output;
    private bool _disposed;

    private SmailProcess(Process process, System.Collections.Concurrent.ConcurrentQueue<string> output, Uri address, string storePath)
    {
        _process = process;
        _output = output;
        Address = address;
        StorePath = storePath;
    }

    public Uri Address { get; }
    public string StorePath { get; }
    public int Id => _process.Id;

    /// <summary>The lines it printed to its console so far (at the level its start asked for: warnings, and the host's own).</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>Starts the build of Smail beside this assembly's configuration and waits until it answers.</summary>
    public static async Task<SmailProcess> StartAsync(Uri upstream, string? storePath = null, params string[] settings)
    {
        var (dll, project) = Build();
        storePath ??= Directory.CreateTempSubdirectory("smail-process-").FullName;
        // Port 0, and the address Smail says it bound: a port picked here and bound there can be taken by another
        // suite in between, and then a health check would be answered by someone else's Smail.
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--Ollama:BaseUrl", upstream.ToString(),
            "--Storage:Path", storePath, "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information",
            // No model-written titles: their requests would take the emulator's scripts (and load the benchmarks).
            "--Titles:Enabled", "false",
            "--contentRoot", project, .. settings])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } printed)
            {
                output.Enqueue(printed);
            }
            const string Marker = "Now listening on: ";
            if (e.Data is { } line && line.IndexOf(Marker, StringComparison.Ordinal) is var at and >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + Marker.Length)..].Trim().TrimEnd('/') + "/"));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("Smail exited before it listened."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Smail exited with code {process.ExitCode} before it answered.");
            }
            try
            {
                (await http.GetAsync(new Uri(address, "/api/health"))).EnsureSuccessStatusCode();
                return new SmailProcess(process, output, address, storePath);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("Smail did not answer within 30 s of listening.");
    }

    /// <summary>
    /// Runs Smail with <paramref name="arguments"/> to its end (one of its commands, or a start that must be refused):
    /// its exit code and what it printed. A Smail that does not exit within 60 s is killed, and that is a failure.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(string[] arguments, string? input = null, IDictionary<string, string>? environment = null)
    {
        var (dll, project) = Build();
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments, "--contentRoot", project])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Smail {string.Join(' ', arguments)} did not exit within 60 s.");
        }
        return (process.ExitCode, await output + await errors);
    }

    private static (string Dll, string Project) Build()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var project = Path.Combine(RepoRoot(), "src", "Smail");
        return (Path.Combine(project, "bin", configuration, "net10.0", "Smail.dll"), project);
    }

    /// <summary>Resident memory of the process, from /proc: what the operating system actually gave it.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("No VmRSS line.");
    }

    /// <summary>SIGTERM, as systemd or an orchestrator stops it: its shutdown runs; completes when it has exited.</summary>
    public async Task StopGracefullyAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an out-of-memory kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }

    /// <summary>The repository this build came from: the folder holding Smail.slnx.</summary>
    public static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Smail.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Run this from inside the repository.");
    }
}
