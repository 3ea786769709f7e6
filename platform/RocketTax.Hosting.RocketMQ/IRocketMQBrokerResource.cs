namespace Aspire.Hosting.ApplicationModel;

/// <summary>A master broker of a <see cref="RocketMQClusterResource"/>, whether a process or a container.</summary>
public interface IRocketMQBrokerResource : IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The cluster this node belongs to (its parent in the dashboard; it does not share the cluster's health).</summary>
    RocketMQClusterResource Parent { get; }

    /// <summary>The remoting endpoint (<c>listenPort</c>): name-server registration, <c>mqadmin</c>, the other brokers.</summary>
    EndpointReference RemotingEndpoint { get; }

    /// <summary>The gRPC <c>MessagingService</c> endpoint (<c>grpcServerPort</c>) that clients connect to.</summary>
    EndpointReference GrpcEndpoint { get; }

    /// <summary>
    /// The broker's properties file as RocketMQ keys (the seed's <c>broker-a.properties</c> by default). Ports, addresses
    /// and the store path are added from the resource's endpoints and data settings when the file is written.
    /// </summary>
    IDictionary<string, string> Properties { get; }
}
