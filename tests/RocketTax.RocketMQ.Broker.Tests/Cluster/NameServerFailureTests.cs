using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Cluster;

/// <summary>The cluster keeps working while name servers die: through the other one, then from cached routes.</summary>
public sealed class NameServerFailureTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private const string Topic = "ns-failover-topic";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 240_000)]
    public async Task One_name_server_killed_then_both_killed_mqadmin_and_QueryRoute_keep_working()
    {
        Assert.Equal(0, (await MqAdmin.RunAsync(Ct, null, "updateTopic", "-n", cluster.NamesrvAddr, "-c", "DefaultCluster", "-t", Topic)).ExitCode);
        await ClusterSeedParityTests.WaitForQueuesAsync(cluster.BrokerB, Topic, 8);

        await cluster.NameServer1.KillAsync(Ct);

        var list = await MqAdmin.RunAsync(Ct, null, "clusterList", "-n", cluster.NamesrvAddr);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("broker-a", list.StdOut, StringComparison.Ordinal);
        Assert.Contains("broker-b", list.StdOut, StringComparison.Ordinal);
        Assert.Equal(8, (await QueryRouteAsync(cluster.BrokerB)).MessageQueues.Count);

        await cluster.NameServer2.KillAsync(Ct);

        // Both gone: the brokers serve the route they cached and take sends.
        var cached = await QueryRouteAsync(cluster.BrokerB);
        Assert.Equal(Code.Ok, cached.Status.Code);
        Assert.Equal(8, cached.MessageQueues.Count);
        Assert.Equal(["broker-a", "broker-b"], cached.MessageQueues.Select(q => q.Broker.Name).Distinct().Order());
        using var producer = new RawBrokerClient(cluster.BrokerA.GrpcEndpoint);
        Assert.Equal(Code.Ok, (await producer.SendAsync(Ct, RawBrokerClient.NewMessage(Topic, "{}"))).Status.Code);

        var unreachable = await MqAdmin.RunAsync(Ct, null, "clusterList", "-n", cluster.NamesrvAddr);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("no name server answered", unreachable.StdErr, StringComparison.Ordinal);
    }

    private static async Task<QueryRouteResponse> QueryRouteAsync(BrokerProcess broker)
    {
        using var client = new RawBrokerClient(broker.GrpcEndpoint);
        return await client.QueryRouteAsync(Topic, Ct);
    }
}
