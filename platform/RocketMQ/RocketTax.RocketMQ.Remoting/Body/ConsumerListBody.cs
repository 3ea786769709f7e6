namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>The answer to <c>GET_CONSUMER_LIST_BY_GROUP</c>: the client ids of a group's live consumers, from their heartbeats.</summary>
public sealed record ConsumerListBody
{
    public List<string> ConsumerIdList { get; init; } = [];
}
