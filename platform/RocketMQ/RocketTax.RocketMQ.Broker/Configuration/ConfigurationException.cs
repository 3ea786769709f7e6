namespace RocketTax.RocketMQ.Broker.Configuration;

/// <summary>A configuration file or command line the broker cannot start with; the message names the key, value and file.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
