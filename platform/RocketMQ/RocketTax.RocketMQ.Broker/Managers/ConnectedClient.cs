using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>A client as last heard from, in one of its groups (a 4.x client instance runs several).</summary>
public sealed record ConnectedClient(string ClientId, ClientType Type, string? Group, string? Language, DateTimeOffset LastSeen)
{
    /// <summary>Where the client connects from, when the broker knows it (remoting clients).</summary>
    public string? Address { get; init; }

    /// <summary>The client's remoting protocol version, when it said (remoting clients).</summary>
    public int Version { get; init; }

    /// <summary><c>CLUSTERING</c> or <c>BROADCASTING</c>, when the consumer said (remoting clients; gRPC consumers cluster).</summary>
    public string? MessageModel { get; init; }

    /// <summary>The topics a consumer subscribes to, with their expressions, as its heartbeat said (remoting consumers).</summary>
    public IReadOnlyList<SubscriptionData> Subscriptions { get; init; } = [];
}
