namespace RocketTax.RocketMQ.Broker.Managers.Filtering;

/// <summary>A SQL92 filter expression that cannot be parsed; the message says where and why.</summary>
public sealed class SqlFilterException(string message) : Exception(message);
