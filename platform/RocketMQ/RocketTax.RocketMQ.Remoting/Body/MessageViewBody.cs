namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// A stored message as <c>VIEW_MESSAGE_BY_ID</c> and <c>QUERY_MESSAGE</c> answer it here: the fields of
/// RocketMQ's <c>MessageExt</c> as JSON (Java brokers answer with the binary commit-log encoding).
/// </summary>
public sealed record MessageViewBody
{
    public required string MsgId { get; init; }

    public required string OffsetMsgId { get; init; }

    public required string Topic { get; init; }

    public required string BrokerName { get; init; }

    public int QueueId { get; init; }

    public long QueueOffset { get; init; }

    public long CommitLogOffset { get; init; }

    public int StoreSize { get; init; }

    public string? Tags { get; init; }

    public string? Keys { get; init; }

    public Dictionary<string, string> Properties { get; init; } = [];

    public long BornTimestamp { get; init; }

    public string? BornHost { get; init; }

    public long StoreTimestamp { get; init; }

    public string? StoreHost { get; init; }

    public int ReconsumeTimes { get; init; }

    public uint BodyCrc { get; init; }

    /// <summary>The body as UTF-8 text (RocketMQ bodies are bytes; tax reports are JSON).</summary>
    public string? Body { get; init; }
}
