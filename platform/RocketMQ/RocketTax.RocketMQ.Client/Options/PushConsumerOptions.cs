namespace RocketTax.RocketMQ.Client;

/// <summary>Settings of a <see cref="PushConsumer"/>.</summary>
public sealed record PushConsumerOptions : RocketMQClientOptions
{
    /// <summary>The consumer group; consumers of one group share the messages.</summary>
    public string ConsumerGroup { get; init; } = string.Empty;

    /// <summary>Topic → filter expression.</summary>
    public IReadOnlyDictionary<string, FilterExpression> Subscriptions { get; init; } = new Dictionary<string, FilterExpression>();

    /// <summary>Handlers running at once; 16 by default.</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>Messages received but not yet settled (running or waiting for a handler); receiving pauses at this count.</summary>
    public int MaxCachedMessages { get; init; } = 1024;

    /// <summary>How long each renewal keeps a message invisible while it waits or its handler runs; 30 s by default.</summary>
    public TimeSpan InvisibleDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="PushConsumer.DisposeAsync"/> lets running handlers finish before cancelling them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ConsumerOptionsValidation.Group(ConsumerGroup, nameof(ConsumerGroup));
        ConsumerOptionsValidation.Subscriptions(Subscriptions, nameof(Subscriptions));
        if (MaxConcurrency is < 1 or > 1024)
        {
            throw new ArgumentException($"MaxConcurrency is {MaxConcurrency}; it must be from 1 to 1024.", nameof(MaxConcurrency));
        }

        if (MaxCachedMessages < MaxConcurrency)
        {
            throw new ArgumentException($"MaxCachedMessages ({MaxCachedMessages}) must be at least MaxConcurrency ({MaxConcurrency}).", nameof(MaxCachedMessages));
        }

        if (InvisibleDuration < TimeSpan.FromSeconds(5) || InvisibleDuration > TimeSpan.FromHours(12))
        {
            throw new ArgumentException($"InvisibleDuration is {InvisibleDuration}; it must be from 5 s to 12 h.", nameof(InvisibleDuration));
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"ShutdownTimeout is {ShutdownTimeout}; it must not be negative.", nameof(ShutdownTimeout));
        }
    }
}
