using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Smail.Tests.Infrastructure;

/// <summary>
/// A real Redis (Debian's redis-server) in a temporary folder on a free loopback port, started by the test and
/// stopped after it. No persistence: a restart (<see cref="RestartAsync"/>) is a Redis that lost everything.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string RedisPath = "/usr/bin/redis-server";
    private readonly string _folder;
    private Process _process;

    private RedisServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000";

    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(RedisPath))
        {
            throw new InvalidOperationException($"These tests need Redis at {RedisPath}: apt-get install -y redis-server (scripts/install-test-deps.sh does).");
        }
        var folder = Path.Combine(Path.GetTempPath(), "smail-redis", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePorts.Next();
        var server = new RedisServer(Start(folder, port), folder, port);
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>Kills it, as a crash would; <see cref="StartAgainAsync"/> brings it back, empty, on the same port.</summary>
    public Task StopAsync() => KillAsync();

    public async Task StartAgainAsync()
    {
        _process.Dispose();
        _process = Start(_folder, Port);
        await WaitUntilListeningAsync();
    }

    /// <summary>Freezes it (SIGSTOP): connections stay open and commands go unanswered, as a server that hangs.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server go on (SIGCONT), with everything it held.</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Kills it (as a crash would) and starts it again, empty, on the same port.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        _process.Dispose();
        _process = Start(_folder, Port);
        await WaitUntilListeningAsync();
    }

    private static Process Start(string folder, int port) =>
        Process.Start(new ProcessStartInfo(RedisPath,
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", folder,
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", Path.Combine(folder, "redis.log")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;

    private async Task WaitUntilListeningAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                var log = Path.Combine(_folder, "redis.log");
                throw new InvalidOperationException("redis-server exited: " + (File.Exists(log) ? await File.ReadAllTextAsync(log) : ""));
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
    }

    private async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
