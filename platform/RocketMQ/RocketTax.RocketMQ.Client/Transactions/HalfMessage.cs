using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Transactions;

/// <summary>A transactional message the broker holds back until EndTransaction: what that call needs to name it, and where to send it.</summary>
internal sealed record HalfMessage(string Topic, string MessageId, string TransactionId, EndpointAddress Endpoint);
