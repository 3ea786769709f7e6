namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>A topic as this broker serves it: how many queues, and which message type it accepts.</summary>
public sealed record TopicConfig(string Name, int QueueCount, TopicMessageType MessageType = TopicMessageType.Normal, int Perm = TopicConfig.PermReadWrite)
{
    /// <summary>RocketMQ's permission bits: 4 = read, 2 = write.</summary>
    public const int PermReadWrite = 6;
}
