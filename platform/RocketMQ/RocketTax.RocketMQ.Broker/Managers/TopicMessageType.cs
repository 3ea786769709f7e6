namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>The <c>message.type</c> attribute of a topic.</summary>
public enum TopicMessageType
{
    Normal,
    Fifo,
    Delay,
    Transaction,
}
