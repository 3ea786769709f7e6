using System.Net;
using System.Net.Sockets;

namespace RocketTax.Testing;

/// <summary>Finds loopback TCP ports nobody is listening on, so parallel tests never share a broker port.</summary>
public static class FreePort
{
    /// <summary>Asks the OS for an ephemeral port and releases it at once.</summary>
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
