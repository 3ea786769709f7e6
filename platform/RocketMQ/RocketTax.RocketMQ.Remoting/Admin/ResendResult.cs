namespace RocketTax.RocketMQ.Remoting.Admin;

/// <summary>Where a resent message landed: the topic and broker it went to, its id, queue and queue offset.</summary>
public sealed record ResendResult(string Topic, string BrokerName, string MessageId, int QueueId, long QueueOffset);
