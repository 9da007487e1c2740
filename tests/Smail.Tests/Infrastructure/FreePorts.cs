using System.Net;
using System.Net.Sockets;

namespace Smail.Tests.Infrastructure;

/// <summary>Loopback ports that nothing listens on right now: for servers started as processes, and for "connection refused".</summary>
public static class FreePorts
{
    // Held for the life of the test process: a port given out by Refusing() must stay refused.
    private static readonly List<Socket> s_held = [];

    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// A loopback port that refuses connections for as long as the tests run: bound and never listening. A port from
    /// <see cref="Next"/> is free only for now, and a server started later (of this suite or another running beside it)
    /// may be given it; then a "dead" model server answers. Nothing else can bind this one.
    /// </summary>
    public static int Refusing()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lock (s_held)
        {
            s_held.Add(socket);
        }
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
