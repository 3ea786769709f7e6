namespace RocketTax.Bench;

/// <summary>A peer server the run needs is missing or too old; the message says how to get a fitting one.</summary>
public sealed class PeerUnavailableException(string message) : Exception(message);
