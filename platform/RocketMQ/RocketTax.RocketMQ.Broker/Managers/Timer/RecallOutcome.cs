namespace RocketTax.RocketMQ.Broker.Managers.Timer;

/// <summary>What became of a recall.</summary>
public enum RecallOutcome
{
    /// <summary>The message was pending and will never be delivered.</summary>
    Recalled,

    /// <summary>The message was delivered (or recalled) already.</summary>
    AlreadyDone,

    /// <summary>The handle names no delayed message of this broker.</summary>
    Unknown,
}
