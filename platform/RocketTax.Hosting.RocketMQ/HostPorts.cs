using System.Net;
using System.Net.Sockets;
using RocketTax.Ports;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>
/// Host ports of name servers and brokers. They are fixed when the graph is built, not by DCP at start, because a
/// broker writes its ports into its properties file and advertises them to clients: the seed's ports when free, else
/// (or always with <c>RocketMQ:RandomPorts=true</c>, as tests do) free loopback ports chosen at random below the OS's
/// ephemeral range. A port from that range would be free now, but seconds pass before the broker binds it, and the
/// OS hands the same range out for every outgoing connection in between: a busy machine took it, and the broker
/// exited with "port in use".
/// </summary>
internal sealed class HostPorts(bool random)
{
    private const int LowestPort = 10_000;
    private const int RandomAttempts = 200;

    private readonly HashSet<int> _taken = [];
    private readonly int? _ephemeralStart = EphemeralPorts.RangeStart();

    /// <summary>A port for one endpoint: <paramref name="preferred"/> unless it is taken here or on the machine.</summary>
    public int Take(int preferred)
    {
        if (!random && !_taken.Contains(preferred) && IsFree(preferred))
        {
            _taken.Add(preferred);
            return preferred;
        }

        if (_ephemeralStart is { } ephemeral && ephemeral > LowestPort + 1_000)
        {
            for (var attempt = 0; attempt < RandomAttempts; attempt++)
            {
                var port = Random.Shared.Next(LowestPort, ephemeral);
                if (!_taken.Contains(port) && IsFree(port))
                {
                    _taken.Add(port);
                    return port;
                }
            }
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
