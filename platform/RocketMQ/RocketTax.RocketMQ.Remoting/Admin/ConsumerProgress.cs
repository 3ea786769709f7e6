using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Remoting.Admin;

/// <summary>A consumer group's progress over every master: each queue's offsets, and the group's consume TPS summed over the brokers.</summary>
public sealed record ConsumerProgress(IReadOnlyList<QueueOffsetEntry> OffsetEntries, double ConsumeTps);
