using RocketTax.RocketMQ.Remoting.FastJson;

namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// The answer to <c>GET_TOPIC_STATS_INFO</c>, RocketMQ's <c>TopicStatsTable</c>: the offsets of each queue of a topic
/// on one broker, its <c>offsetTable</c> keyed by queue objects as fastjson writes it.
/// </summary>
public sealed record TopicStatsBody
{
    public ObjectKeyMap<MessageQueueKey, TopicOffset> OffsetTable { get; init; } = [];
}
