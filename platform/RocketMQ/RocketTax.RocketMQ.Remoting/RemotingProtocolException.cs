namespace RocketTax.RocketMQ.Remoting;

/// <summary>A frame or body that breaks the remoting protocol; the message says which rule and what was seen.</summary>
public sealed class RemotingProtocolException(string message) : Exception(message);
