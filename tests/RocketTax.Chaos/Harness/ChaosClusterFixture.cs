using RocketTax.Testing;

namespace RocketTax.Chaos.Harness;

/// <summary>
/// The seed's 2m-noslave cluster (two name servers, broker-a and broker-b, each a process with its own store
/// dir) with <c>SYNC_FLUSH</c> on both masters: the promise under test is that a send answered OK survives
/// <c>kill -9</c>. Adds what chaos runs need: topics created on the whole cluster, FIFO ones with an orderly group.
/// </summary>
public sealed class ChaosClusterFixture : ClusterFixture
{
    private const int FirstSends = 50;
    private static readonly TimeSpan RouteTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TrafficStartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Both brokers' gRPC endpoints, as clients are given them.</summary>
    public string Endpoints => $"{BrokerA.GrpcEndpoint};{BrokerB.GrpcEndpoint}";

    /// <summary>Creates <paramref name="stream"/>'s topic on both masters (FIFO ones with an orderly group) and waits until its route names both.</summary>
    public async Task CreateAsync(TrafficStream stream, CancellationToken cancellationToken)
    {
        string[] topicArgs = ["updateTopic", "-n", NamesrvAddr, "-c", "DefaultCluster", "-t", stream.Topic];
        await RunAdminAsync(stream.Fifo ? [.. topicArgs, "-a", "+message.type=FIFO"] : topicArgs, cancellationToken);
        if (stream.Fifo)
        {
            await RunAdminAsync(["updateSubGroup", "-n", NamesrvAddr, "-c", "DefaultCluster", "-g", stream.ConsumerGroup, "-o", "true"], cancellationToken);
        }

        await Poll.UntilAsync(() => RouteNamesBothBrokersAsync(stream.Topic, cancellationToken), RouteTimeout,
            () => $"the route of '{stream.Topic}' never named both brokers", cancellationToken);
    }

    /// <summary>Creates the topics of <paramref name="streams"/>, starts traffic on them and waits until it flows, before any fault.</summary>
    public async Task<TrafficDriver> StartTrafficAsync(IReadOnlyList<TrafficStream> streams, CancellationToken cancellationToken)
    {
        foreach (var stream in streams)
        {
            await CreateAsync(stream, cancellationToken);
        }

        var traffic = new TrafficDriver(Endpoints, streams, new DeliveryChecker());
        traffic.Start();
        try
        {
            await traffic.WaitForAcknowledgedAsync(FirstSends, TrafficStartTimeout, cancellationToken);
            return traffic;
        }
        catch
        {
            await traffic.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until <paramref name="nameServer"/> alone (a restarted one starts empty) lists both brokers again: they re-registered with it.</summary>
    public Task WaitUntilRegisteredWithAsync(NameServerProcess nameServer, TimeSpan within, CancellationToken cancellationToken) =>
        Poll.UntilAsync(async () =>
        {
            var list = await MqAdmin.RunAsync(cancellationToken, null, "clusterList", "-n", nameServer.Address);
            return list.ExitCode == 0 && NamesBothBrokers(list.StdOut);
        }, within, () => $"the name server on {nameServer.Address} never listed both brokers again", cancellationToken);

    /// <summary>Whether the route of <paramref name="topic"/>, as <c>mqadmin -n ns1;ns2</c> gets it from whichever name server answers, names both brokers.</summary>
    public async Task<bool> RouteNamesBothBrokersAsync(string topic, CancellationToken cancellationToken)
    {
        var route = await MqAdmin.RunAsync(cancellationToken, null, "topicRoute", "-n", NamesrvAddr, "-t", topic);
        return route.ExitCode == 0 && NamesBothBrokers(route.StdOut);
    }

    /// <summary><c>mqadmin consumerProgress</c> of <paramref name="group"/>: per queue, what the broker holds and what the group consumed (for failure messages).</summary>
    public async Task<string> ConsumerProgressAsync(string group, CancellationToken cancellationToken) =>
        (await MqAdmin.RunAsync(cancellationToken, null, "consumerProgress", "-n", NamesrvAddr, "-g", group)).ToString();

    /// <summary>Both brokers' log lines about recovery, damage, warnings and errors, for the failure message of a loss.</summary>
    public string StoreEvents()
    {
        string[] markers = ["warn", "fail", "crit", "recover", "truncat", "gap", "corrupt", "behind"];
        var lines = new[] { (Name: "broker-a", Process: BrokerA), (Name: "broker-b", Process: BrokerB) }.SelectMany(broker => broker.Process.Logs
            .Where(line => markers.Any(m => line.Contains(m, StringComparison.OrdinalIgnoreCase)))
            .TakeLast(40)
            .Select(line => $"{broker.Name}: {line}"));
        return string.Join(Environment.NewLine, lines);
    }

    protected override BrokerOptions BrokerOptionsFor(string brokerName) =>
        base.BrokerOptionsFor(brokerName) with { FlushDiskType = "SYNC_FLUSH" };

    private static bool NamesBothBrokers(string output) =>
        output.Contains("broker-a", StringComparison.Ordinal) && output.Contains("broker-b", StringComparison.Ordinal);

    private static async Task RunAdminAsync(string[] args, CancellationToken cancellationToken)
    {
        var result = await MqAdmin.RunAsync(cancellationToken, null, args);
        Assert.True(result.ExitCode == 0, $"mqadmin {string.Join(' ', args)} failed: {result}");
    }
}
