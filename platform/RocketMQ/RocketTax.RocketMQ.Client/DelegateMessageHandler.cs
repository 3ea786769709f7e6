namespace RocketTax.RocketMQ.Client;

/// <summary>An <see cref="IMessageHandler"/> that calls a delegate.</summary>
public sealed class DelegateMessageHandler(Func<MessageView, CancellationToken, ValueTask<ConsumeResult>> handler) : IMessageHandler
{
    private readonly Func<MessageView, CancellationToken, ValueTask<ConsumeResult>> _handler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <inheritdoc />
    public ValueTask<ConsumeResult> HandleAsync(MessageView message, CancellationToken cancellationToken) => _handler(message, cancellationToken);
}
