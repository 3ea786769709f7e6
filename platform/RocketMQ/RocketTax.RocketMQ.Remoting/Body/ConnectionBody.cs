namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>One online client of a group (RocketMQ's <c>Connection</c>).</summary>
public sealed record ConnectionBody
{
    public required string ClientId { get; init; }

    /// <summary>Where the client connects from; empty when the broker does not know it.</summary>
    public string ClientAddr { get; init; } = string.Empty;

    public string Language { get; init; } = string.Empty;

    public int Version { get; init; }
}
