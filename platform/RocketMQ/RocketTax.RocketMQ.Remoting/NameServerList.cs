namespace RocketTax.RocketMQ.Remoting;

/// <summary>The name servers of <c>namesrvAddr</c> / <c>-n</c>, in the order given.</summary>
public sealed record NameServerList(IReadOnlyList<string> Addresses)
{
    /// <summary>True when the broker runs alone (no <c>namesrvAddr</c>): routes name this broker only.</summary>
    public bool IsEmpty => Addresses.Count == 0;

    /// <summary>Splits <c>host:port;host:port</c>; null or blank gives an empty list.</summary>
    public static NameServerList Parse(string? namesrvAddr) => new(
        (namesrvAddr ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
