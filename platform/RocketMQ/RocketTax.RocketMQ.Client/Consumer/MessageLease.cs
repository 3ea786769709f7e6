namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>A received message the push consumer has not settled yet: renewed until its handler's result is acked or nacked.</summary>
internal sealed class MessageLease(MessageView message, DateTimeOffset visibleAt)
{
    public MessageView Message { get; } = message;

    /// <summary>Serializes renewals with the final ack/nack, so each uses the newest receipt handle.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>When the broker would make the message visible again without a renewal.</summary>
    public DateTimeOffset VisibleAt { get; set; } = visibleAt;

    public bool Settled { get; set; }
}
