namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>A producer group of a heartbeat (RocketMQ's <c>ProducerData</c>).</summary>
public sealed record ProducerData(string GroupName);
