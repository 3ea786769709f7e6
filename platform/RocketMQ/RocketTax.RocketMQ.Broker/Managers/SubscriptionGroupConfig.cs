namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// A consumer group as <c>mqadmin updateSubGroup</c> configures it, under RocketMQ's JSON names
/// (<c>consumeMessageOrderly</c> makes it a FIFO group; <c>retryMaxTimes</c> bounds its retries).
/// </summary>
public sealed record SubscriptionGroupConfig
{
    public required string GroupName { get; init; }

    public bool ConsumeEnable { get; init; } = true;

    public bool ConsumeFromMinEnable { get; init; } = true;

    public bool ConsumeBroadcastEnable { get; init; }

    public bool ConsumeMessageOrderly { get; init; }

    public int RetryQueueNums { get; init; } = 1;

    public int RetryMaxTimes { get; init; } = 16;

    public long BrokerId { get; init; }

    public long WhichBrokerWhenConsumeSlowly { get; init; } = 1;

    public bool NotifyConsumerIdsChangedEnable { get; init; } = true;
}
