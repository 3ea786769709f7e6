namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// One topic a consumer group subscribes to, with its expression (RocketMQ's <c>SubscriptionData</c>): tags when
/// <paramref name="ExpressionType"/> is <c>TAG</c> or absent, an SQL92 condition when it is <c>SQL92</c>.
/// </summary>
public sealed record SubscriptionData(string Topic, string? SubString = null, string? ExpressionType = null);
