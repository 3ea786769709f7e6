using System.Net;
using System.Net.Sockets;

namespace RocketTax.Bench;

/// <summary>Free loopback ports for the servers the bench starts.</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
