namespace RocketTax.RocketMQ.Client;

/// <summary>Settings of a <see cref="Producer"/>.</summary>
public sealed record ProducerOptions : RocketMQClientOptions
{
    /// <summary>Topics to prepare routes for at start (optional: other topics are looked up on first send).</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>Attempts per send, each on another broker when there is one; 3 as in the official clients.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>
    /// Answers the brokers' checks of transactions left open (see <see cref="Producer.BeginTransaction"/>); without one,
    /// such a transaction stays open until the broker's last check rolls it back.
    /// </summary>
    public ITransactionChecker? TransactionChecker { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        foreach (var topic in Topics)
        {
            Message.ValidateTopic(topic, nameof(Topics));
        }

        if (MaxAttempts is < 1 or > 16)
        {
            throw new ArgumentException($"MaxAttempts is {MaxAttempts}; it must be from 1 to 16.", nameof(MaxAttempts));
        }
    }
}
