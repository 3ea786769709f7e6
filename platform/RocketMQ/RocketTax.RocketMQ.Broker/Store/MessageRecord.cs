namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>A message handed to the store for appending.</summary>
/// <remarks>
/// System properties that RocketMQ keeps in the properties map (message id <c>UNIQ_KEY</c>, <c>KEYS</c>,
/// <c>TAGS</c>, trace context, ...) travel in <see cref="Properties"/>; the store persists the map as is.
/// </remarks>
public sealed record MessageRecord(
    string Topic,
    int QueueId,
    string? Tag,
    IReadOnlyDictionary<string, string> Properties,
    ReadOnlyMemory<byte> Body,
    long BornTimestamp,
    string BornHost,
    int ReconsumeTimes = 0,
    int Flag = 0);
