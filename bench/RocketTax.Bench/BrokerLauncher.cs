using System.Diagnostics;
using System.Globalization;
using RocketTax.RocketMQ.Broker.Admin;

namespace RocketTax.Bench;

/// <summary>
/// Starts the broker executable on a temp store and free ports; with a name server beside it when the run needs
/// <c>mqadmin</c> (typed topics, orderly groups).
/// </summary>
public sealed class BrokerLauncher : IAsyncDisposable
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "rocketmq.dll");

    private readonly ServerProcess _server;
    private readonly ServerProcess? _nameServer;
    private readonly string _remotingAddress;
    private readonly string? _nameServerAddress;

    private BrokerLauncher(ServerProcess server, int grpcPort, string remotingAddress, ServerProcess? nameServer, string? nameServerAddress)
    {
        _server = server;
        GrpcPort = grpcPort;
        _remotingAddress = remotingAddress;
        _nameServer = nameServer;
        _nameServerAddress = nameServerAddress;
    }

    public int GrpcPort { get; }

    /// <summary><c>127.0.0.1:listenPort</c>, where 4.x producers and <c>mqadmin</c> reach the broker.</summary>
    public string RemotingAddress => _remotingAddress;

    public ProcessResources Resources => _server.Resources;

    public static Task<BrokerLauncher> StartAsync(string flushDiskType, CancellationToken cancellationToken) =>
        StartAsync(flushDiskType, withNameServer: false, cancellationToken);

    /// <summary>A broker as <paramref name="options"/> ask: their flush type and gRPC transport.</summary>
    public static Task<BrokerLauncher> StartAsync(ProduceOptions options, bool withNameServer, CancellationToken cancellationToken) =>
        StartAsync(options.FlushDiskType, withNameServer, cancellationToken, options.GrpcTransport);

    public static async Task<BrokerLauncher> StartAsync(
        string flushDiskType, bool withNameServer, CancellationToken cancellationToken, string grpcTransport = ProduceOptions.DefaultGrpcTransport)
    {
        ServerProcess? nameServer = null;
        string? nameServerAddress = null;
        if (withNameServer)
        {
            var port = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture);
            nameServerAddress = $"127.0.0.1:{port}";
            var nameServerHome = Directory.CreateTempSubdirectory("rockettax-bench-namesrv-").FullName;
            nameServer = await ServerProcess.StartAsync("namesrv", Start(nameServerHome, "mqnamesrv", "-p", port), nameServerHome, "boot success",
                TimeSpan.FromSeconds(30), cancellationToken);
        }

        try
        {
            var home = Directory.CreateTempSubdirectory("rockettax-bench-").FullName;
            var grpcPort = LoopbackPorts.Free();
            var remotingPort = LoopbackPorts.Free();
            File.WriteAllText(Path.Combine(home, "broker.properties"), $"""
                brokerClusterName=DefaultCluster
                brokerName=broker-a
                brokerId=0
                brokerRole=ASYNC_MASTER
                flushDiskType={flushDiskType}
                listenPort={remotingPort}
                grpcServerPort={grpcPort}
                grpcTransport={grpcTransport}
                brokerIP1=127.0.0.1
                storePathRootDir={Path.Combine(home, "store")}
                autoCreateTopicEnable=true
                {(nameServerAddress is null ? string.Empty : $"namesrvAddr={nameServerAddress}")}
                """);
            var server = await ServerProcess.StartAsync("broker", Start(home, "mqbroker", "-c", Path.Combine(home, "broker.properties")), home, "boot success",
                TimeSpan.FromSeconds(30), cancellationToken);
            return new BrokerLauncher(server, grpcPort, $"127.0.0.1:{remotingPort}", nameServer, nameServerAddress);
        }
        catch when (nameServer is not null)
        {
            await nameServer.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>mqadmin &lt;args&gt; -n &lt;name server&gt; -b &lt;this broker&gt;</c>, in process; throws with its output when it fails.</summary>
    public async Task AdminAsync(CancellationToken cancellationToken, params string[] args)
    {
        var nameServer = _nameServerAddress ?? throw new InvalidOperationException("mqadmin needs a broker started with a name server.");
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        if (await AdminCommandLine.RunAsync([.. args, "-n", nameServer, "-b", _remotingAddress], output, output, cancellationToken) != 0)
        {
            throw new InvalidOperationException($"mqadmin {string.Join(' ', args)} failed: {output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        if (_nameServer is not null)
        {
            await _nameServer.DisposeAsync();
        }
    }

    private static ProcessStartInfo Start(string home, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = home };
        start.ArgumentList.Add(Executable);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
