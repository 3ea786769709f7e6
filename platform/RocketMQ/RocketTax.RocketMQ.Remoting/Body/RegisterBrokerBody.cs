namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>The body of <c>REGISTER_BROKER</c> (uncompressed form), as RocketMQ's <c>RegisterBrokerBody</c>.</summary>
public sealed record RegisterBrokerBody
{
    public TopicConfigSerializeWrapper TopicConfigSerializeWrapper { get; init; } = new();

    public List<string> FilterServerList { get; init; } = [];
}
