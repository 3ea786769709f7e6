using System.Text;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// A stored message as the console and <c>mqadmin</c> show it: the fields of a <see cref="MessageExt"/> decoded from a
/// <c>VIEW_MESSAGE_BY_ID</c> or <c>QUERY_MESSAGE</c> answer, with the broker that answered and the ids and tags read out of its properties.
/// </summary>
public sealed record MessageViewBody
{
    private const string UniqueKeyProperty = "UNIQ_KEY";
    private const string TagsProperty = "TAGS";
    private const string KeysProperty = "KEYS";

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

    /// <summary>The body as UTF-8 text (RocketMQ bodies are bytes; tax reports are JSON); null when it is still compressed (LZ4 or zstd).</summary>
    public string? Body { get; init; }

    /// <summary>
    /// The view of <paramref name="message"/> as <paramref name="brokerName"/> stores it. Its id is the producer's
    /// (<c>UNIQ_KEY</c>) when it has one, else its offset id, as RocketMQ's clients show it.
    /// </summary>
    public static MessageViewBody Of(MessageExt message, string brokerName)
    {
        var offsetMsgId = MessageIds.OffsetMessageId(message.StoreHost, message.CommitLogOffset);
        return new MessageViewBody
        {
            MsgId = message.Properties.GetValueOrDefault(UniqueKeyProperty) ?? offsetMsgId,
            OffsetMsgId = offsetMsgId,
            Topic = message.Topic,
            BrokerName = brokerName,
            QueueId = message.QueueId,
            QueueOffset = message.QueueOffset,
            CommitLogOffset = message.CommitLogOffset,
            StoreSize = message.StoreSize,
            Tags = message.Properties.GetValueOrDefault(TagsProperty),
            Keys = message.Properties.GetValueOrDefault(KeysProperty),
            Properties = new Dictionary<string, string>(message.Properties),
            BornTimestamp = message.BornTimestamp,
            BornHost = message.BornHost.ToString(),
            StoreTimestamp = message.StoreTimestamp,
            StoreHost = message.StoreHost.ToString(),
            ReconsumeTimes = message.ReconsumeTimes,
            BodyCrc = (uint)message.BodyCrc,
            Body = message.IsBodyCompressed ? null : Encoding.UTF8.GetString(message.Body.Span),
        };
    }
}
