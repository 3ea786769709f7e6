namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>A message read back from the commit log, with everything the store recorded about it.</summary>
public sealed record StoredMessage(
    string Topic,
    int QueueId,
    long QueueOffset,
    long CommitLogOffset,
    int StoreSize,
    string? Tag,
    IReadOnlyDictionary<string, string> Properties,
    ReadOnlyMemory<byte> Body,
    uint BodyCrc,
    long BornTimestamp,
    string BornHost,
    long StoreTimestamp,
    string StoreHost,
    int ReconsumeTimes,
    int Flag);
