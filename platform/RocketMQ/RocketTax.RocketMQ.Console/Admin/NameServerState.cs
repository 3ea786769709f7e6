namespace RocketTax.RocketMQ.Console.Admin;

/// <summary>One configured name server: whether it answered, and what it said or why it did not.</summary>
public sealed record NameServerState(string Address, bool Online, string Status);
