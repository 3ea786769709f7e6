namespace RocketTax.RocketMQ.Broker.NameServer;

/// <summary>When a broker (by remoting address) last registered, and what it belongs to, so it can be forgotten in full.</summary>
public sealed record BrokerLiveInfo(string ClusterName, string BrokerName, long BrokerId, DateTimeOffset LastUpdate);
