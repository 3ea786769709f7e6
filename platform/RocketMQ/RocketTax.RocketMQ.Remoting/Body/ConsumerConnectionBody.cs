namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>The answer to <c>GET_CONSUMER_CONNECTION_LIST</c> (RocketMQ's <c>ConsumerConnection</c>): the group's online clients.</summary>
public sealed record ConsumerConnectionBody
{
    public List<ConnectionBody> ConnectionSet { get; init; } = [];

    /// <summary>RocketMQ's <c>CONSUME_ACTIVELY</c> (pull/simple) or <c>CONSUME_PASSIVELY</c> (push).</summary>
    public string? ConsumeType { get; init; }

    /// <summary><c>CLUSTERING</c> or <c>BROADCASTING</c>.</summary>
    public string? MessageModel { get; init; }
}
