namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>RocketMQ's <c>TopicConfigSerializeWrapper</c>: every topic of a broker, and the table's version.</summary>
public sealed record TopicConfigSerializeWrapper
{
    public Dictionary<string, TopicConfigBody> TopicConfigTable { get; init; } = new(StringComparer.Ordinal);

    public DataVersion DataVersion { get; init; } = new(0, 0);
}
