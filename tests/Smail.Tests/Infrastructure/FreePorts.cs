using System.Net;
using System.Net.Sockets;

namespace Smail.Tests.Infrastructure;

/// <summary>Loopback ports that nothing listens on right now: for servers started as processes, and for "connection refused".</summary>
public static class FreePorts
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
