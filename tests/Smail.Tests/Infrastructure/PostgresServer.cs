using System.Diagnostics;
using Npgsql;

namespace Smail.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL (Debian's postgresql package) in a temporary folder on a free loopback port, started by the
/// test and stopped after it, leaving no process behind. PostgreSQL refuses to run as root, so as root it runs as
/// the package's <c>postgres</c> user (runuser). Each test gets its own database (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _bin;
    private Process _process;

    private PostgresServer(Process process, string folder, string bin, int port)
    {
        _process = process;
        _folder = folder;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The process the server runs under (with its backends below it): for the benchmark's CPU accounting.</summary>
    public int ProcessId => _process.Id;

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The connection string of <paramref name="database"/> as the superuser <c>smail</c> (trust authentication, loopback only).</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=smail;Database={database};Timeout=5;Command Timeout=30";

    /// <param name="durable">false (the tests) skips fsync; true (the benchmark) keeps PostgreSQL's real write cost.</param>
    public static async Task<PostgresServer> StartAsync(bool durable = false)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal)
                .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("These tests need PostgreSQL: apt-get install -y postgresql (scripts/install-test-deps.sh does).");
        }
        var folder = Path.Combine(Path.GetTempPath(), "smail-postgres", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "-R", "postgres:postgres", folder);
        }
        await RunAsync(AsPostgres(Path.Combine(bin, "initdb"), "-D", Path.Combine(folder, "data"), "-U", "smail", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"));
        var port = FreePorts.Next();
        var server = new PostgresServer(Start(bin, folder, port, durable), folder, bin, port);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server as an operator would (a fast shutdown); <see cref="StartAgainAsync"/> brings it back on the same port and data.</summary>
    public async Task StopAsync()
    {
        await RunAsync(AsPostgres(Path.Combine(_bin, "pg_ctl"), "stop", "-D", DataFolder, "-m", "fast", "-w"));
        await _process.WaitForExitAsync();
    }

    public async Task StartAgainAsync()
    {
        _process.Dispose();
        _process = Start(_bin, _folder, Port, durable: false);
        // The tests' own pools still hold connections to the server that stopped.
        NpgsqlConnection.ClearAllPools();
        await WaitUntilReadyAsync();
    }

    private static Process Start(string bin, string folder, int port, bool durable)
    {
        string[] settings = durable ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
        var (file, arguments) = AsPostgres(Path.Combine(bin, "postgres"), ["-D", Path.Combine(folder, "data"), "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-k", folder, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", .. settings]);
        return Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("PostgreSQL exited: " + await _process.StandardError.ReadToEndAsync());
            }
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString());
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
        }
    }

    private static (string File, string[] Arguments) AsPostgres(string program, params string[] arguments) =>
        Environment.UserName == "root" ? ("runuser", ["-u", "postgres", "--", program, .. arguments]) : (program, arguments);

    private static Task RunAsync((string File, string[] Arguments) command) => RunAsync(command.File, command.Arguments);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!_process.HasExited)
        {
            try
            {
                await RunAsync(AsPostgres(Path.Combine(_bin, "pg_ctl"), "stop", "-D", DataFolder, "-m", "immediate", "-w"));
            }
            catch (InvalidOperationException)
            {
                // Already stopping: the kill below makes sure.
            }
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
