namespace RocketTax.RocketMQ.Client;

/// <summary>Settings of a <see cref="SimpleConsumer"/>.</summary>
public sealed record SimpleConsumerOptions : RocketMQClientOptions
{
    /// <summary>The consumer group; consumers of one group share the messages.</summary>
    public string ConsumerGroup { get; init; } = string.Empty;

    /// <summary>Topic → filter expression.</summary>
    public IReadOnlyDictionary<string, FilterExpression> Subscriptions { get; init; } = new Dictionary<string, FilterExpression>();

    /// <summary>How long a receive waits on the broker for messages to arrive (long polling); 20 s by default.</summary>
    public TimeSpan AwaitDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ConsumerOptionsValidation.Group(ConsumerGroup, nameof(ConsumerGroup));
        ConsumerOptionsValidation.Subscriptions(Subscriptions, nameof(Subscriptions));
        if (AwaitDuration < TimeSpan.Zero || AwaitDuration > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"AwaitDuration is {AwaitDuration}; it must be from 0 to 5 minutes.", nameof(AwaitDuration));
        }
    }
}
