namespace RocketTax.RocketMQ.Client;

/// <summary>Where the broker stored a sent message.</summary>
/// <param name="MessageId">The message id the producer generated (official v1 format).</param>
/// <param name="Topic">The topic the message was sent to.</param>
/// <param name="BrokerName">The broker that stored it, e.g. <c>broker-a</c>.</param>
/// <param name="QueueId">The queue of the topic on that broker.</param>
/// <param name="Offset">The message's offset in that queue.</param>
/// <param name="TransactionId">The transaction id the broker assigned (empty for normal messages).</param>
public sealed record SendReceipt(string MessageId, string Topic, string BrokerName, int QueueId, long Offset, string TransactionId = "");
