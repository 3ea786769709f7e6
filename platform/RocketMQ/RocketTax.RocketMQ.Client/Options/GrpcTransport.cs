namespace RocketTax.RocketMQ.Client;

/// <summary>Which gRPC implementation carries a client's calls.</summary>
public enum GrpcTransport
{
    /// <summary>Grpc.Net.Client over <c>SocketsHttpHandler</c>: the general-purpose stack.</summary>
    GrpcNetClient,

    /// <summary>
    /// The client's own gRPC-over-HTTP/2 (<see cref="Transport.Http2CallInvoker"/>): the same wire protocol with about half
    /// the CPU per call, which on a small machine shared with the broker is throughput.
    /// </summary>
    Native,
}
