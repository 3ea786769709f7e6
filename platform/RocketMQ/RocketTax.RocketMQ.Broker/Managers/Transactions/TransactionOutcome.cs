namespace RocketTax.RocketMQ.Broker.Managers.Transactions;

/// <summary>What an EndTransaction did.</summary>
public enum TransactionOutcome
{
    Committed,
    RolledBack,

    /// <summary>No half message of this broker has that transaction id (never sent, or resolved already).</summary>
    Unknown,
}
