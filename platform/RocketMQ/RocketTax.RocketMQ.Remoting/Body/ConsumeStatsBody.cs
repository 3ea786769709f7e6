using System.Text.Json.Serialization;
using RocketTax.RocketMQ.Remoting.FastJson;

namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// The answer to <c>GET_CONSUME_STATS</c>, RocketMQ's <c>ConsumeStats</c>: one broker's view of a group's progress,
/// its <c>offsetTable</c> keyed by queue objects as fastjson writes it.
/// </summary>
public sealed record ConsumeStatsBody
{
    [JsonConverter(typeof(JavaDoubleConverter))]
    public double ConsumeTps { get; init; }

    public ObjectKeyMap<MessageQueueKey, OffsetWrapper> OffsetTable { get; init; } = [];
}
