using System.Net;

namespace RocketTax.RocketMQ.Broker.Remoting;

/// <summary>Where a <see cref="RemotingServer"/> listens, and how much one connection may ask of it at once.</summary>
public sealed record RemotingServerOptions(int Port)
{
    /// <summary>All interfaces by default, as RocketMQ binds; tests may pass loopback.</summary>
    public IPAddress Address { get; init; } = IPAddress.Any;

    /// <summary>Requests of one connection running or waiting to be answered at once; past it the connection is not read.</summary>
    public int MaxRequestsInFlight { get; init; } = 1024;
}
