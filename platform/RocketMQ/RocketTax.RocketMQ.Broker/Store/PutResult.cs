namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Where an appended message landed.</summary>
public readonly record struct PutResult(long CommitLogOffset, int Size, long QueueOffset, long StoreTimestamp);
