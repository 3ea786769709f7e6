using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>The outcome of an access check: <see cref="Denied"/> is the status to answer with, null when allowed.</summary>
public readonly record struct AccessDecision(Status? Denied, string? AccessKey);
