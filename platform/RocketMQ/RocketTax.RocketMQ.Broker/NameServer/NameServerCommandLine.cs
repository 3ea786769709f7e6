using System.Globalization;
using System.Net.Sockets;
using RocketTax.RocketMQ.Broker.Configuration;

namespace RocketTax.RocketMQ.Broker.NameServer;

/// <summary><c>mqnamesrv [-c namesrv.properties] [-p port]</c>.</summary>
public static class NameServerCommandLine
{
    public const string Usage = """
          mqnamesrv [-c <namesrv.properties>] [-p <port>]
              start a name server on port 9876 (or listenPort in the file, or -p); keys: listenPort,
              brokerExpiredMillis (120000), scanNotActiveBrokerInterval (5000)
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        string? configFile = null;
        var overrides = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-c" or "--configFile" when i + 1 < args.Length:
                    configFile = args[++i];
                    break;
                case "-p" or "--listenPort" when i + 1 < args.Length:
                    overrides["listenPort"] = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"mqnamesrv: unexpected argument '{args[i]}'\nusage:\n{Usage}");
                    return 2;
            }
        }

        NameServerConfig config;
        try
        {
            config = NameServerConfigLoader.Load(configFile, overrides, warning => Console.Error.WriteLine($"WARN {warning}"));
        }
        catch (ConfigurationException ex)
        {
            Console.Error.WriteLine($"mqnamesrv: {ex.Message}");
            return 2;
        }

        try
        {
            return await NameServerHost.RunAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            Console.Error.WriteLine($"mqnamesrv: port {config.ListenPort.ToString(CultureInfo.InvariantCulture)} is already in use (another name server?); pick another with -p");
            return 2;
        }
    }
}
