namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>The answer to <c>GET_BROKER_CLUSTER_INFO</c> (RocketMQ's <c>ClusterInfo</c>).</summary>
public sealed record ClusterInfo
{
    /// <summary>Broker name → its addresses.</summary>
    public Dictionary<string, BrokerData> BrokerAddrTable { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Cluster name → its broker names.</summary>
    public Dictionary<string, List<string>> ClusterAddrTable { get; init; } = new(StringComparer.Ordinal);
}
