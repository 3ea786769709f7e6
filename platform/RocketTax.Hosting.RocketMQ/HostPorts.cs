using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>
/// Host ports of name servers and brokers. They are fixed when the graph is built, not by DCP at start, because a
/// broker writes its ports into its properties file and advertises them to clients: the seed's ports when free, else
/// (or always with <c>RocketMQ:RandomPorts=true</c>, as tests do) free loopback ports from the OS.
/// </summary>
internal sealed class HostPorts(bool random)
{
    private readonly HashSet<int> _taken = [];

    /// <summary>A port for one endpoint: <paramref name="preferred"/> unless it is taken here or on the machine.</summary>
    public int Take(int preferred)
    {
        if (!random && !_taken.Contains(preferred) && IsFree(preferred))
        {
            _taken.Add(preferred);
            return preferred;
        }

        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (_taken.Add(port))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
