using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Transport;

/// <summary>A broker serving gRPC with <c>grpcTransport=native</c>.</summary>
public sealed class NativeBrokerFixture : BrokerFixture
{
    protected override BrokerOptions Options => new() { GrpcTransport = "native" };
}
