namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// RocketMQ's <c>MessageQueue</c> (one queue of a topic on one broker) as the key of its offset tables.
/// Fields in name order, as fastjson writes them.
/// </summary>
public sealed record MessageQueueKey(string BrokerName, int QueueId, string Topic);
