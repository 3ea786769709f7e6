namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// Where a 4.x consumer group's failed message goes next: back to the group on its retry topic <c>%RETRY%group</c>
/// until the group's retries are used up, then to its dead-letter topic <c>%DLQ%group</c>. Both topics are created on
/// first use, the retry topic with the group's <c>retryQueueNums</c> queues.
/// </summary>
public sealed class ConsumerRetries(TopicManager topics, SubscriptionGroupManager groups)
{
    /// <summary>
    /// True when a message consumed and retried <paramref name="reconsumeTimes"/> times already may not be retried again:
    /// <paramref name="maxReconsumeTimes"/> when the consumer names it, else the group's <c>retryMaxTimes</c>.
    /// </summary>
    public bool AreUsedUp(string group, int reconsumeTimes, int? maxReconsumeTimes) =>
        reconsumeTimes >= (maxReconsumeTimes ?? groups.Get(group).RetryMaxTimes);

    public TopicConfig RetryTopic(string group) =>
        topics.GetOrCreateSystemTopic(ResourceNames.RetryTopic(group), Math.Max(1, groups.Get(group).RetryQueueNums));

    public TopicConfig DeadLetterTopic(string group) => topics.GetOrCreateSystemTopic(ResourceNames.DeadLetterTopic(group));
}
