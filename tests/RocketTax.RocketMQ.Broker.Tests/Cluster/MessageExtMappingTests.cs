using System.Net;
using RocketTax.RocketMQ.Broker.Cluster;

namespace RocketTax.RocketMQ.Broker.Tests.Cluster;

/// <summary>Hosts as the store records them, read into the address and port RocketMQ's binary message form carries.</summary>
public sealed class MessageExtMappingTests
{
    [Theory]
    [InlineData("127.0.0.1:10911", "127.0.0.1:10911")]
    [InlineData("ipv4:10.0.0.5:51234", "10.0.0.5:51234")]
    [InlineData("ipv6:%5B::1%5D:51234", "[::1]:51234")]
    [InlineData("[::ffff:10.0.0.7]:80", "10.0.0.7:80")]
    [InlineData("10.0.0.5", "10.0.0.5:0")]
    [InlineData("tax-host.internal", "0.0.0.0:0")]
    [InlineData("", "0.0.0.0:0")]
    public void Reads_a_recorded_host_as_an_address_and_port(string recorded, string expected)
    {
        Assert.Equal(IPEndPoint.Parse(expected), MessageExtMapping.EndPoint(recorded));
    }
}
