namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>The answer to <c>GET_ALL_TOPIC_LIST_FROM_NAMESERVER</c> (RocketMQ's <c>TopicList</c>).</summary>
public sealed record TopicListBody
{
    public List<string> TopicList { get; init; } = [];

    public string? BrokerAddr { get; init; }
}
