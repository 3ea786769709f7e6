using RocketTax.RocketMQ.Broker.Tests.Cluster;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>
/// The two-master cluster of <see cref="ClusterFixture"/> with the message-type settings of
/// <see cref="MessageTypesBrokerFixture"/> and <c>SYNC_FLUSH</c>, so a broker killed with <c>kill -9</c> keeps what
/// it answered OK. Transactions are checked long enough to outlast a broker restart.
/// </summary>
public sealed class MessageTypesClusterFixture : ClusterFixture
{
    /// <summary>Checks a second apart: half a minute for a restarted broker's producer to answer.</summary>
    private const int TransactionCheckMax = 30;

    /// <summary>Queues per master; clients see twice as many.</summary>
    private const int QueuesPerBroker = 4;

    /// <summary>The broker named <paramref name="brokerName"/> in routes and receipts.</summary>
    public BrokerProcess Broker(string brokerName) => brokerName switch
    {
        "broker-a" => BrokerA,
        "broker-b" => BrokerB,
        _ => throw new ArgumentOutOfRangeException(nameof(brokerName), brokerName, "not a master of this cluster"),
    };

    /// <summary>Creates <paramref name="topic"/> of <paramref name="messageType"/> on both masters, as <c>mqadmin updateTopic -c</c> does, and waits until broker-a routes to both.</summary>
    public async Task CreateTopicAsync(string topic, string messageType, CancellationToken cancellationToken)
    {
        using var routes = new RawBrokerClient(BrokerA.GrpcEndpoint);
        await CreateTopicAsync(NamesrvAddr, routes, topic, messageType, cancellationToken);
    }

    /// <summary>
    /// Creates <paramref name="topic"/> on both masters of the cluster behind <paramref name="namesrvAddr"/> and waits
    /// until the broker of <paramref name="routes"/> routes to both.
    /// </summary>
    public static async Task CreateTopicAsync(string namesrvAddr, RawBrokerClient routes, string topic, string messageType, CancellationToken cancellationToken)
    {
        var queues = QueuesPerBroker.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await RunAdminAsync(["updateTopic", "-n", namesrvAddr, "-c", "DefaultCluster", "-t", topic, "-r", queues, "-w", queues, "-a", $"+message.type={messageType}"], cancellationToken);
        await ClusterSeedParityTests.WaitForQueuesAsync(routes, topic, 2 * QueuesPerBroker);
    }

    /// <summary>Makes <paramref name="group"/> orderly on both masters, as <c>mqadmin updateSubGroup -c -o true</c> does.</summary>
    public Task CreateOrderlyGroupAsync(string group, CancellationToken cancellationToken) =>
        RunAdminAsync(["updateSubGroup", "-n", NamesrvAddr, "-c", "DefaultCluster", "-g", group, "-o", "true"], cancellationToken);

    protected override BrokerOptions BrokerOptionsFor(string brokerName)
    {
        var options = base.BrokerOptionsFor(brokerName);
        var properties = new Dictionary<string, string>(options.ExtraProperties);
        foreach (var (key, value) in MessageTypesBrokerFixture.Properties(TransactionCheckMax))
        {
            properties[key] = value;
        }

        // A push consumer's long polls: its shutdown waits for the one in flight.
        properties["longPollingTimeoutMills"] = "2000";

        return options with { FlushDiskType = "SYNC_FLUSH", ExtraProperties = properties };
    }

    private static async Task RunAdminAsync(string[] args, CancellationToken cancellationToken)
    {
        var result = await MqAdmin.RunAsync(cancellationToken, null, args);
        Assert.True(result.ExitCode == 0, $"mqadmin {string.Join(' ', args)} failed: {result}");
    }
}
