namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>One topic a consumer group subscribes to, with its tag expression (RocketMQ's <c>SubscriptionData</c>).</summary>
public sealed record SubscriptionData(string Topic, string? SubString = null);
