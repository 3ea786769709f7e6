namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// RocketMQ's <c>OffsetWrapper</c>: a group's progress on one queue. Where the queue ends, where the group has
/// acknowledged up to, where it has pulled up to (RocketMQ 5; absent from 4.x brokers), and the store time of
/// the last message it consumed. Fields in name order, as fastjson writes them.
/// </summary>
public sealed record OffsetWrapper(long BrokerOffset, long ConsumerOffset, long LastTimestamp, long PullOffset);
