namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>A topic as RocketMQ's <c>TopicConfig</c> serializes it (in register bodies and <c>GET_ALL_TOPIC_CONFIG</c>).</summary>
public sealed record TopicConfigBody
{
    public required string TopicName { get; init; }

    public int ReadQueueNums { get; init; }

    public int WriteQueueNums { get; init; }

    /// <summary>Permission bits: 4 read, 2 write (6 = both).</summary>
    public int Perm { get; init; } = 6;

    public string TopicFilterType { get; init; } = "SINGLE_TAG";

    public int TopicSysFlag { get; init; }

    public bool Order { get; init; }

    /// <summary>RocketMQ 5 keeps the message type here, as <c>+message.type</c>.</summary>
    public Dictionary<string, string>? Attributes { get; init; }
}
