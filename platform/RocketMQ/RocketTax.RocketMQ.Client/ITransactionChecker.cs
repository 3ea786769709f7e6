namespace RocketTax.RocketMQ.Client;

/// <summary>
/// Answers the broker when a transactional message was neither committed nor rolled back in time (the producer
/// crashed or lost its connection between the send and the commit): the broker asks a producer of the topic, and
/// the checker looks up the local transaction the message belongs to. Set it in <see cref="ProducerOptions.TransactionChecker"/>.
/// </summary>
public interface ITransactionChecker
{
    /// <summary>Says whether the local transaction behind <paramref name="message"/> committed, rolled back, or is still unknown.</summary>
    ValueTask<TransactionResolution> CheckAsync(MessageView message, CancellationToken cancellationToken);
}
