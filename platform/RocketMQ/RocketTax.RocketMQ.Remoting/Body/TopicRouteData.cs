namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>The answer to <c>GET_ROUTEINFO_BY_TOPIC</c> (RocketMQ's <c>TopicRouteData</c>).</summary>
public sealed record TopicRouteData
{
    public string? OrderTopicConf { get; init; }

    public List<QueueData> QueueDatas { get; init; } = [];

    public List<BrokerData> BrokerDatas { get; init; } = [];

    public Dictionary<string, List<string>> FilterServerTable { get; init; } = [];
}
