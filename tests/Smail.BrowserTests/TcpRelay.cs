using System.Net;
using System.Net.Sockets;

namespace Smail.BrowserTests;

/// <summary>
/// A TCP relay between the browser and Smail that the test can cut, like a Wi-Fi blip: every open
/// connection is dropped and new ones are refused for a while, then it carries traffic again.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private DateTime _refuseUntil = DateTime.MinValue;

    public TcpRelay(Uri target)
    {
        _target = target;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _ = AcceptLoopAsync();
    }

    public Uri Address { get; }

    /// <summary>Drops every connection now and refuses new ones for <paramref name="outage"/>.</summary>
    public void Cut(TimeSpan outage)
    {
        lock (_open)
        {
            _refuseUntil = DateTime.UtcNow + outage;
            foreach (var client in _open)
            {
                // Linger 0 sends a reset, as a dropped network does, instead of a polite close.
                if (client.Client is { Connected: true } socket)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                client.Dispose();
            }
            _open.Clear();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient browser;
            try
            {
                browser = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(browser);
        }
    }

    private async Task RelayAsync(TcpClient browser)
    {
        using var upstream = new TcpClient();
        lock (_open)
        {
            if (DateTime.UtcNow < _refuseUntil)
            {
                browser.Dispose();
                return;
            }
            _open.Add(browser);
            _open.Add(upstream);
        }
        try
        {
            await upstream.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            var toUpstream = browser.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
            var toBrowser = upstream.GetStream().CopyToAsync(browser.GetStream(), _stop.Token);
            await Task.WhenAny(toUpstream, toBrowser);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A cut, or the end of the test.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(browser);
                _open.Remove(upstream);
            }
            browser.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut(TimeSpan.Zero);
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
