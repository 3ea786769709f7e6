namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>RocketMQ's <c>DataVersion</c>: when the broker's topic table last changed, and how often.</summary>
public sealed record DataVersion(long Timestamp, long Counter);
