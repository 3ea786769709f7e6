namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>One queue of a consumer group's progress: where the queue ends, where the group is, when it last consumed.</summary>
public sealed record QueueOffsetEntry(string Topic, string BrokerName, int QueueId, long BrokerOffset, long ConsumerOffset, long LastTimestamp);
