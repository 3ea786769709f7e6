using System.Net.Sockets;
using RocketTax.RocketMQ.Broker.Admin;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.NameServer;

namespace RocketTax.RocketMQ.Broker.Cli;

/// <summary>
/// The executable's verbs, named and used like RocketMQ's scripts: <c>mqbroker -c broker-a.properties
/// [-n "ns1:9876;ns2:9876"] [--enable-proxy]</c>, <c>mqnamesrv [-p 9876]</c>, <c>mqadmin clusterList -n ns:9876</c>.
/// </summary>
public static class BrokerCommandLine
{
    public const int ExitOk = 0;
    public const int ExitUsage = 2;

    private const string Usage = """
        usage: rocketmq <verb> [options]

        verbs:
          mqbroker -c <file.properties> [-n "host:port;host:port"] [--enable-proxy] [-p]
              start a broker; -c names its properties file (RocketMQ's keys), -n overrides namesrvAddr,
              --enable-proxy is accepted for compatibility (the gRPC endpoint is always served),
              -p prints the effective configuration and exits
        """ + "\n" + NameServerCommandLine.Usage + """

          mqadmin <command> -n "host:port;host:port" [options]
              administer a cluster: clusterList, topicList, topicRoute, updateTopic, deleteTopic,
              consumerProgress, queryMsgById, brokerStatus ('mqadmin help' for their options)
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? ExitUsage : ExitOk;
        }

        return args[0] switch
        {
            "mqbroker" => await RunBrokerAsync(args[1..], cancellationToken).ConfigureAwait(false),
            "mqnamesrv" => await NameServerCommandLine.RunAsync(args[1..], cancellationToken).ConfigureAwait(false),
            "mqadmin" => await AdminCommandLine.RunAsync(args[1..], Console.Out, Console.Error, cancellationToken).ConfigureAwait(false),
            _ => Fail($"unknown verb '{args[0]}'\n{Usage}"),
        };
    }

    private static async Task<int> RunBrokerAsync(string[] args, CancellationToken cancellationToken)
    {
        string? configFile = null;
        var overrides = new Dictionary<string, string>();
        var printConfig = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-c" or "--configFile" when i + 1 < args.Length:
                    configFile = args[++i];
                    break;
                case "-n" or "--namesrvAddr" when i + 1 < args.Length:
                    overrides["namesrvAddr"] = args[++i];
                    break;
                case "--enable-proxy" or "-pm":
                    break;
                case "-p" or "--printConfigItem":
                    printConfig = true;
                    break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    return ExitOk;
                default:
                    return Fail($"mqbroker: unexpected argument '{args[i]}'\n{Usage}");
            }
        }

        BrokerConfig config;
        try
        {
            config = BrokerConfigLoader.Load(configFile, overrides, warning => Console.Error.WriteLine($"WARN {warning}"));
        }
        catch (ConfigurationException ex)
        {
            return Fail($"mqbroker: {ex.Message}");
        }

        if (printConfig)
        {
            Console.WriteLine(config);
            return ExitOk;
        }

        try
        {
            return await BrokerHost.RunAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            return Fail($"mqbroker: port {config.GrpcServerPort} (grpcServerPort in {config.Source}) is already in use");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return Fail($"mqbroker: port {config.ListenPort} (listenPort in {config.Source}) is already in use");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return ExitUsage;
    }
}
