namespace RocketTax.RocketMQ.Broker.Configuration;

/// <summary>What serves gRPC on <c>grpcServerPort</c> (<c>grpcTransport</c>).</summary>
public enum GrpcTransport
{
    /// <summary>ASP.NET Core's HTTP/2 server and Grpc.AspNetCore.</summary>
    Kestrel,

    /// <summary>The broker's own HTTP/2 framing on Kestrel's connection layer: fewer layers, less CPU per call.</summary>
    Native,
}
