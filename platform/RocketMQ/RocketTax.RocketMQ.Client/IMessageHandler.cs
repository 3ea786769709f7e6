namespace RocketTax.RocketMQ.Client;

/// <summary>Processes the messages a <see cref="PushConsumer"/> receives. An exception counts as <see cref="ConsumeResult.Failure"/>.</summary>
public interface IMessageHandler
{
    /// <summary>Processes one message; <paramref name="cancellationToken"/> fires when the consumer is stopping and its grace period ran out.</summary>
    ValueTask<ConsumeResult> HandleAsync(MessageView message, CancellationToken cancellationToken);
}
