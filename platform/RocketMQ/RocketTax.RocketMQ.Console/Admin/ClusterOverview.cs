namespace RocketTax.RocketMQ.Console.Admin;

/// <summary>What the cluster page shows: every configured name server, and every broker they know.</summary>
public sealed record ClusterOverview(IReadOnlyList<NameServerState> NameServers, IReadOnlyList<BrokerState> Brokers, string? Error);
