using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Client.Transactions;

/// <summary>
/// One transaction of a <see cref="Producer"/>: one message, as in RocketMQ's clients (a second message could sit on
/// another broker, and two EndTransaction calls are not atomic). Ends once, by the application or by a failed attempt
/// that may be tried again.
/// </summary>
internal sealed class Transaction(Producer producer) : ITransaction
{
    private const int Empty = 0;
    private const int Holding = 1;
    private const int Ended = 2;

    private HalfMessage? _half;
    private int _state;

    public Producer Producer => producer;

    /// <summary>Claims the transaction's one message before it is sent.</summary>
    public void Reserve()
    {
        if (Interlocked.CompareExchange(ref _state, Holding, Empty) != Empty)
        {
            throw new InvalidOperationException(
                "This transaction already carries a message (or has ended); a transaction carries one message: begin another for the next.");
        }
    }

    /// <summary>The send failed: nothing is held, another message may be sent in the transaction.</summary>
    public void Release() => Volatile.Write(ref _state, Empty);

    /// <summary>The broker holds the message as a half message.</summary>
    public void Hold(HalfMessage half) => Volatile.Write(ref _half, half);

    public Task CommitAsync(CancellationToken cancellationToken = default) => EndAsync(commit: true, cancellationToken);

    public Task RollbackAsync(CancellationToken cancellationToken = default) => EndAsync(commit: false, cancellationToken);

    private async Task EndAsync(bool commit, CancellationToken cancellationToken)
    {
        var half = Volatile.Read(ref _half)
            ?? throw new InvalidOperationException("No message was sent in this transaction: send one with producer.SendAsync(message, transaction) first.");
        if (Interlocked.CompareExchange(ref _state, Ended, Holding) != Holding)
        {
            throw new InvalidOperationException($"Transaction {half.TransactionId} has ended already (or is ending).");
        }

        try
        {
            await producer.EndTransactionAsync(half, commit, TransactionSource.SourceClient, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not ended: the application may try again (or the broker's check will settle it).
            Volatile.Write(ref _state, Holding);
            throw;
        }
    }
}
