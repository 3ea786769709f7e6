using System.Diagnostics;

namespace RocketTax.Bench;

/// <summary>Starts the broker executable on a temp store and free ports.</summary>
public sealed class BrokerLauncher : IAsyncDisposable
{
    private readonly ServerProcess _server;

    private BrokerLauncher(ServerProcess server, int grpcPort)
    {
        _server = server;
        GrpcPort = grpcPort;
    }

    public int GrpcPort { get; }

    public ProcessResources Resources => _server.Resources;

    public static async Task<BrokerLauncher> StartAsync(string flushDiskType, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("rockettax-bench-").FullName;
        var grpcPort = LoopbackPorts.Free();
        File.WriteAllText(Path.Combine(home, "broker.properties"), $"""
            brokerClusterName=DefaultCluster
            brokerName=broker-a
            brokerId=0
            brokerRole=ASYNC_MASTER
            flushDiskType={flushDiskType}
            listenPort={LoopbackPorts.Free()}
            grpcServerPort={grpcPort}
            brokerIP1=127.0.0.1
            storePathRootDir={Path.Combine(home, "store")}
            autoCreateTopicEnable=true
            """);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "rocketmq.dll"), "mqbroker", "-c", Path.Combine(home, "broker.properties") },
        };
        var server = await ServerProcess.StartAsync("broker", start, home, "boot success", TimeSpan.FromSeconds(30), cancellationToken);
        return new BrokerLauncher(server, grpcPort);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
