using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Smail.Benchmarks;

/// <summary>Smail as a separate process, so what it costs in memory is its own and nobody else's.</summary>
internal sealed class SmailProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _store;

    private SmailProcess(Process process, Uri address, string store)
    {
        _process = process;
        Address = address;
        _store = store;
    }

    public Uri Address { get; }

    public static async Task<SmailProcess> StartAsync(Uri upstream, string configuration)
    {
        var project = Path.Combine(RepoRoot(), "src", "Smail");
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "Smail.dll");
        var port = FreePort();
        var store = Directory.CreateTempSubdirectory("smail-bench-").FullName;
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", "--Ollama:BaseUrl", upstream.ToString(),
            "--Storage:Path", store, "--Logging:LogLevel:Default", "Warning", "--contentRoot", project])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                (await http.GetAsync(new Uri(address, "/api/health"))).EnsureSuccessStatusCode();
                return new SmailProcess(process, address, store);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("Smail did not start within 20 s: " + await process.StandardError.ReadToEndAsync());
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

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_store, recursive: true);
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Smail.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
