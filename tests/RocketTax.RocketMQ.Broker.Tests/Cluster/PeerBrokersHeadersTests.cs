using Microsoft.AspNetCore.Http;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Grpc;

namespace RocketTax.RocketMQ.Broker.Tests.Cluster;

/// <summary>What a call passed on to another master carries of the caller's headers, and the mark that stops it going further.</summary>
public sealed class PeerBrokersHeadersTests
{
    [Fact]
    public void Passed_on_call_carries_the_clients_identity_and_signature_and_nothing_else()
    {
        var caller = new CallHeaders(new HeaderDictionary
        {
            ["x-mq-client-id"] = "producer@host",
            ["x-mq-date-time"] = "20261126T220000Z",
            ["Authorization"] = "MQv2-HMAC-SHA1 Credential=taxreporter, SignedHeaders=x-mq-date-time, Signature=00",
            ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["user-agent"] = "grpc-dotnet",
        });
        Assert.True(PeerBrokers.MayForward(caller));

        var forwarded = PeerBrokers.ForwardedHeaders(caller, "broker-a");

        Assert.Equal(
            ["authorization", "x-mq-client-id", "x-mq-date-time", PeerBrokers.ForwardedByHeader],
            forwarded.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal("producer@host", forwarded.GetValue("x-mq-client-id"));
        Assert.Equal("broker-a", forwarded.GetValue(PeerBrokers.ForwardedByHeader));
    }

    [Fact]
    public void Call_another_master_passed_on_is_not_passed_on_again()
    {
        var caller = new CallHeaders(new HeaderDictionary { ["x-mq-client-id"] = "producer@host", [PeerBrokers.ForwardedByHeader] = "broker-b" });

        Assert.False(PeerBrokers.MayForward(caller));
    }
}
