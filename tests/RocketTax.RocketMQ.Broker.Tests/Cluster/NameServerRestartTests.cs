using System.Globalization;
using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Cluster;

/// <summary>
/// A name server restarted after kill -9 starts empty and learns the brokers only as they register again. Until
/// then its route of a topic lacks them; served to clients, that shorter route would move FIFO message groups
/// to other queues.
/// </summary>
public sealed class NameServerRestartTests(NameServerRestartTests.SlowRegistrationCluster cluster)
    : IClassFixture<NameServerRestartTests.SlowRegistrationCluster>
{
    private const string Topic = "ns-restart-topic";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task A_name_server_restarted_empty_does_not_shrink_the_route_brokers_serve()
    {
        Assert.Equal(0, (await MqAdmin.RunAsync(Ct, null, "updateTopic", "-n", cluster.NamesrvAddr, "-c", "DefaultCluster", "-t", Topic)).ExitCode);
        await ClusterSeedParityTests.WaitForQueuesAsync(cluster.BrokerA, Topic, 8);

        await cluster.NameServer1.KillAsync(Ct);
        await cluster.NameServer1.StartAsync(Ct);
        var fresh = await MqAdmin.RunAsync(Ct, null, "clusterList", "-n", cluster.NameServer1.Address);
        Assert.Equal(0, fresh.ExitCode);
        Assert.DoesNotContain("broker-", fresh.StdOut, StringComparison.Ordinal);

        // Beyond the freshness of broker-a's cached route, so it asks the name servers again, first the one it
        // asked before the kill.
        using var client = new RawBrokerClient(cluster.BrokerA.GrpcEndpoint);
        var until = DateTime.UtcNow + (ClusterRouteService.FreshFor * 3);
        do
        {
            var route = await client.QueryRouteAsync(Topic, Ct);
            Assert.Equal(Code.Ok, route.Status.Code);
            Assert.Equal(["broker-a", "broker-b"], route.MessageQueues.Select(q => q.Broker.Name).Distinct().Order());
            Assert.Equal(8, route.MessageQueues.Count);
            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        }
        while (DateTime.UtcNow < until);
    }

    /// <summary>The seed cluster with brokers that register once a minute, so a restarted name server stays empty through the test.</summary>
    public sealed class SlowRegistrationCluster : ClusterFixture
    {
        protected override BrokerOptions BrokerOptionsFor(string brokerName)
        {
            var options = base.BrokerOptionsFor(brokerName);
            return options with
            {
                ExtraProperties = new Dictionary<string, string>(options.ExtraProperties)
                {
                    ["registerNameServerPeriod"] = 60_000.ToString(CultureInfo.InvariantCulture),
                },
            };
        }
    }
}
