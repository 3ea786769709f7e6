namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>Identifies one consumer group's progress on one queue of one topic.</summary>
public readonly record struct ConsumerQueueKey(string Group, string Topic, int QueueId);
