namespace Aspire.Hosting.ApplicationModel;

/// <summary>The seed's 2m-noslave shape: cluster name, broker keys and the ports of a one-machine cluster.</summary>
public static class RocketMQBrokerDefaults
{
    /// <summary>The seed's <c>brokerClusterName</c>.</summary>
    public const string ClusterName = "DefaultCluster";

    /// <summary>The seed's masters.</summary>
    public static IReadOnlyList<string> BrokerNames { get; } = ["broker-a", "broker-b"];

    /// <summary>How many name servers the seed runs.</summary>
    public const int NameServerCount = 2;

    /// <summary>Queues per broker of a topic created without a count (RocketMQ's <c>defaultTopicQueueNums</c>).</summary>
    public const int QueuesPerBroker = 4;

    /// <summary>The image container mode runs unless <c>--rocketmq-image</c> names another.</summary>
    public const string Image = "apache/rocketmq:5.3.2";

    /// <summary>Name server <paramref name="index"/>'s remoting port: 9876, 9877, ...</summary>
    public static int NameServerPort(int index) => 9876 + index;

    /// <summary>Broker <paramref name="index"/>'s remoting port: 10911, 10921, ...</summary>
    public static int BrokerRemotingPort(int index) => 10911 + (10 * index);

    /// <summary>Broker <paramref name="index"/>'s gRPC port: 8081, 8091, ...</summary>
    public static int BrokerGrpcPort(int index) => 8081 + (10 * index);

    /// <summary>The keys of the seed's <c>broker-a.properties</c> for a master named <paramref name="brokerName"/>.</summary>
    public static Dictionary<string, string> SeedProperties(string brokerName) => new(StringComparer.Ordinal)
    {
        ["brokerClusterName"] = ClusterName,
        ["brokerName"] = brokerName,
        ["brokerId"] = "0",
        ["deleteWhen"] = "04",
        ["fileReservedTime"] = "48",
        ["brokerRole"] = "ASYNC_MASTER",
        ["flushDiskType"] = "ASYNC_FLUSH",
    };
}
