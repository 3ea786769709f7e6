namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>RocketMQ's <c>TopicOffset</c>: when a queue was last written, the next offset it will write, its oldest readable offset. Fields in name order, as fastjson writes them.</summary>
public sealed record TopicOffset(long LastUpdateTimestamp, long MaxOffset, long MinOffset);
