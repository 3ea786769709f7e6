using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>Between this broker's <see cref="TopicConfig"/> and RocketMQ's JSON <c>TopicConfig</c>.</summary>
public static class TopicConfigMapping
{
    /// <summary>RocketMQ 5's attribute holding the message type.</summary>
    public const string MessageTypeAttribute = "+message.type";

    public static TopicConfigBody ToBody(TopicConfig topic) => new()
    {
        TopicName = topic.Name,
        ReadQueueNums = topic.QueueCount,
        WriteQueueNums = topic.QueueCount,
        Perm = topic.Perm,
        Attributes = new Dictionary<string, string> { [MessageTypeAttribute] = MessageTypeName(topic.MessageType) },
    };

    /// <summary>The message type named by RocketMQ's attribute (<c>NORMAL</c>, <c>FIFO</c>, <c>DELAY</c>, <c>TRANSACTION</c>), or null when unknown.</summary>
    public static TopicMessageType? ParseMessageType(string? name) => name?.ToUpperInvariant() switch
    {
        null or "" or "NORMAL" or "UNSPECIFIED" or "MIXED" => TopicMessageType.Normal,
        "FIFO" => TopicMessageType.Fifo,
        "DELAY" => TopicMessageType.Delay,
        "TRANSACTION" => TopicMessageType.Transaction,
        _ => null,
    };

    public static string MessageTypeName(TopicMessageType type) => type switch
    {
        TopicMessageType.Fifo => "FIFO",
        TopicMessageType.Delay => "DELAY",
        TopicMessageType.Transaction => "TRANSACTION",
        _ => "NORMAL",
    };
}
