using System.Net;

namespace RocketTax.RocketMQ.Broker.Remoting;

/// <summary>Where a <see cref="RemotingServer"/> listens.</summary>
public sealed record RemotingServerOptions(int Port)
{
    /// <summary>All interfaces by default, as RocketMQ binds; tests may pass loopback.</summary>
    public IPAddress Address { get; init; } = IPAddress.Any;
}
