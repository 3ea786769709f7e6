namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>A consumer group of a heartbeat (RocketMQ's <c>ConsumerData</c>), with the fields a broker's views show.</summary>
public sealed record ConsumerData
{
    public required string GroupName { get; init; }

    /// <summary><c>CONSUME_PASSIVELY</c> (push) or <c>CONSUME_ACTIVELY</c> (pull).</summary>
    public string? ConsumeType { get; init; }

    /// <summary><c>CLUSTERING</c> or <c>BROADCASTING</c>.</summary>
    public string? MessageModel { get; init; }

    public List<SubscriptionData> SubscriptionDataSet { get; init; } = [];
}
