namespace Aspire.Hosting.ApplicationModel;

/// <summary>The names of the endpoints name servers and brokers declare.</summary>
public static class RocketMQEndpointNames
{
    /// <summary>RocketMQ's TCP remoting protocol (<c>listenPort</c>).</summary>
    public const string Remoting = "remoting";

    /// <summary>The gRPC <c>MessagingService</c> of a broker (<c>grpcServerPort</c>).</summary>
    public const string Grpc = "grpc";
}
