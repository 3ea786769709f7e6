using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.NameServer;

/// <summary>One <c>REGISTER_BROKER</c>: who the broker is, where it listens, and every topic it serves.</summary>
public sealed record BrokerRegistration(
    string ClusterName,
    string BrokerName,
    long BrokerId,
    string BrokerAddr,
    string? GrpcAddr,
    TopicConfigSerializeWrapper Topics);
