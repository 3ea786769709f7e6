using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>A client as last heard from.</summary>
public sealed record ConnectedClient(string ClientId, ClientType Type, string? Group, string? Language, DateTimeOffset LastSeen);
