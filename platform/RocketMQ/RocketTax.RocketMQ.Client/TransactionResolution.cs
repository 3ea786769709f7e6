namespace RocketTax.RocketMQ.Client;

/// <summary>What an <see cref="ITransactionChecker"/> says became of a transaction.</summary>
public enum TransactionResolution
{
    /// <summary>The local transaction committed: the broker delivers the message.</summary>
    Commit,

    /// <summary>The local transaction rolled back: the broker drops the message.</summary>
    Rollback,

    /// <summary>Not known yet: the broker asks again later, and rolls back after its last check.</summary>
    Unknown,
}
