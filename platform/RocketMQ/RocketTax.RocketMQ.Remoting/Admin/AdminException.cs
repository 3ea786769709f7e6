namespace RocketTax.RocketMQ.Remoting.Admin;

/// <summary>A failed <c>mqadmin</c> command; the message is the one line the user sees, saying what went wrong and what to do.</summary>
public sealed class AdminException(string message) : Exception(message);
