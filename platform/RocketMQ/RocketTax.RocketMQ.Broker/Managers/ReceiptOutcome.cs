namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>What became of an ack, an invisible-time change or a dead-letter forward.</summary>
public enum ReceiptOutcome
{
    Done,

    /// <summary>The handle names another broker, or an offset never delivered to the group.</summary>
    UnknownHandle,

    /// <summary>The message was handed out again since this handle was issued.</summary>
    Superseded,

    /// <summary>The message is already acknowledged.</summary>
    AlreadyAcked,
}
