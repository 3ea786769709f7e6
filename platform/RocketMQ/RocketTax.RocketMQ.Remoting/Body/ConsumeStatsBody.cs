namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// The answer to <c>GET_CONSUME_STATS</c>. RocketMQ's <c>ConsumeStats</c> keys its <c>offsetTable</c> by a
/// <c>MessageQueue</c> object, which is not valid JSON outside fastjson; this body lists the same facts as
/// entries instead.
/// </summary>
public sealed record ConsumeStatsBody
{
    public List<QueueOffsetEntry> OffsetEntries { get; init; } = [];

    public double ConsumeTps { get; init; }
}
