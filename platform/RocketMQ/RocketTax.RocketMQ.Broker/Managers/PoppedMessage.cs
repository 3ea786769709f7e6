using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>A message handed to a consumer: the stored message, its delivery attempt (1 = first) and its receipt handle.</summary>
public sealed record PoppedMessage(StoredMessage Message, int DeliveryAttempt, ReceiptHandle Handle);
