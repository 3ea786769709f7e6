namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>String pairs, as RocketMQ answers <c>GET_BROKER_RUNTIME_INFO</c> (<c>KVTable</c>).</summary>
public sealed record KVTable
{
    public Dictionary<string, string> Table { get; init; } = new(StringComparer.Ordinal);
}
