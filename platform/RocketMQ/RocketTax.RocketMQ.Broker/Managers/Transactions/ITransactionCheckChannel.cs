using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers.Transactions;

/// <summary>Reaches a producer of a topic to ask how a transaction ended (the Telemetry streams, in the gRPC layer).</summary>
public interface ITransactionCheckChannel
{
    /// <summary>Asks one connected producer of <paramref name="message"/>'s topic; false when none is connected.</summary>
    ValueTask<bool> AskProducerAsync(StoredMessage message, string transactionId, CancellationToken cancellationToken);
}
