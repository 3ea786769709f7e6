namespace RocketTax.RocketMQ.Client;

/// <summary>
/// A transactional send begun with <see cref="Producer.BeginTransaction"/>: the message sent with
/// <see cref="Producer.SendAsync(Message, ITransaction, CancellationToken)"/> stays invisible to consumers until
/// <see cref="CommitAsync"/>; <see cref="RollbackAsync"/> drops it. Left open, the broker asks the producer's
/// <see cref="ITransactionChecker"/>.
/// </summary>
public interface ITransaction
{
    /// <summary>Makes the transaction's message visible to consumers.</summary>
    /// <exception cref="InvalidOperationException">No message was sent in the transaction, or it already ended.</exception>
    /// <exception cref="RocketMQException">The broker refused, e.g. INVALID_TRANSACTION_ID (40008) when a check already resolved it.</exception>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>Drops the transaction's message: no consumer ever sees it.</summary>
    /// <exception cref="InvalidOperationException">No message was sent in the transaction, or it already ended.</exception>
    /// <exception cref="RocketMQException">The broker refused, e.g. INVALID_TRANSACTION_ID (40008) when a check already resolved it.</exception>
    Task RollbackAsync(CancellationToken cancellationToken = default);
}
