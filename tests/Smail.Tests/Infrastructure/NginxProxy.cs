using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Smail.Tests.Infrastructure;

/// <summary>
/// A real nginx (Debian's nginx-light) on a loopback port, with a stock proxy_pass configuration that
/// leaves proxy_buffering at its default (on), in front of one test upstream or, round-robin with no stickiness,
/// several (the configuration docs/deploy.md gives).
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    public const string NginxPath = "/usr/sbin/nginx";
    private readonly Process _process;
    private readonly string _folder;

    private NginxProxy(Process process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public static async Task<NginxProxy> StartAsync(params Uri[] upstreams)
    {
        if (!File.Exists(NginxPath))
        {
            throw new InvalidOperationException($"The proxy tests need nginx at {NginxPath}: apt-get install -y nginx-light");
        }
        var folder = Path.Combine(Path.GetTempPath(), "smail-nginx", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePorts.Next();
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            user root;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            worker_rlimit_nofile 16384;
            events { worker_connections 8192; }
            http {
                access_log off;
                upstream smail {
                    {{string.Join("\n                    ", upstreams.Select(u => $"server {u.Authority} fail_timeout=1s;"))}}
                    keepalive 16;
                }
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://smail;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $http_host;
                        proxy_read_timeout 1h;
                    }
                }
            }
            """);
        var process = Process.Start(new ProcessStartInfo(NginxPath, ["-c", config, "-p", folder])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var address = new Uri($"http://127.0.0.1:{port}/");
        await WaitUntilListeningAsync(port, process, folder);
        return new NginxProxy(process, folder, address);
    }

    private static async Task WaitUntilListeningAsync(int port, Process process, string folder)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                var log = Path.Combine(folder, "error.log");
                throw new InvalidOperationException("nginx exited: " + await process.StandardError.ReadToEndAsync()
                    + (File.Exists(log) ? await File.ReadAllTextAsync(log) : ""));
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException("nginx did not start listening within 10 s.");
    }


    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
