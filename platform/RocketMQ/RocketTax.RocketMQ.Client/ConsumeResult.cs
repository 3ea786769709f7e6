namespace RocketTax.RocketMQ.Client;

/// <summary>What a push consumer's handler made of a message: acked on success, retried later on failure.</summary>
public enum ConsumeResult
{
    /// <summary>The message was processed; the consumer acks it.</summary>
    Success,

    /// <summary>The message was not processed; the consumer hands it back for a later delivery (or the DLQ after max attempts).</summary>
    Failure,
}
