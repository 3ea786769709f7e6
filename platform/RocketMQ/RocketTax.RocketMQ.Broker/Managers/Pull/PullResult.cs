using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers.Pull;

/// <summary>What a pull found, where the consumer pulls next, and the queue's bounds at the time.</summary>
public sealed record PullResult(PullStatus Status, IReadOnlyList<StoredMessage> Messages, long NextBeginOffset, long MinOffset, long MaxOffset);
