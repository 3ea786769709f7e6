namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>One 20-byte consume-queue entry: where a queue's message sits in the commit log, and its tag hash.</summary>
public readonly record struct ConsumeQueueEntry(long QueueOffset, long CommitLogOffset, int Size, long TagHashCode);
