namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>One queue of a topic on one broker: its oldest readable offset, the next offset to be written, and when it was last written.</summary>
public sealed record TopicQueueOffsets(string Topic, string BrokerName, int QueueId, long MinOffset, long MaxOffset, long LastUpdateTimestamp);
