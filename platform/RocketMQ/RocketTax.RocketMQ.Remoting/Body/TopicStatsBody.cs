namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// The answer to <c>GET_TOPIC_STATS_INFO</c>. RocketMQ's <c>TopicStatsTable</c> keys its <c>offsetTable</c> by a
/// <c>MessageQueue</c> object, which is not valid JSON outside fastjson; this body lists the same facts as entries,
/// as <see cref="ConsumeStatsBody"/> does.
/// </summary>
public sealed record TopicStatsBody
{
    public List<TopicQueueOffsets> OffsetEntries { get; init; } = [];
}
