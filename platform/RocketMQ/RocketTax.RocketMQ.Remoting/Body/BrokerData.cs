namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// A broker group in routes and cluster info (RocketMQ's <c>BrokerData</c>): remoting addresses by broker id.
/// <see cref="GrpcAddrs"/> is RocketTax's addition, so brokers can route clients to each other's gRPC
/// endpoints; Java peers ignore the unknown field.
/// </summary>
public sealed record BrokerData
{
    public required string Cluster { get; init; }

    public required string BrokerName { get; init; }

    /// <summary>Broker id (0 = master) → <c>ip:listenPort</c>.</summary>
    public Dictionary<long, string> BrokerAddrs { get; init; } = [];

    /// <summary>Broker id → <c>host:grpcServerPort</c> of the gRPC MessagingService; absent from Java name servers.</summary>
    public Dictionary<long, string>? GrpcAddrs { get; init; }
}
