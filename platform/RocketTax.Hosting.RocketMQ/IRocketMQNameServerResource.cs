namespace Aspire.Hosting.ApplicationModel;

/// <summary>A name server of a <see cref="RocketMQClusterResource"/>, whether a process or a container.</summary>
public interface IRocketMQNameServerResource : IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The cluster this node belongs to (its parent in the dashboard; it does not share the cluster's health).</summary>
    RocketMQClusterResource Parent { get; }

    /// <summary>The remoting endpoint (<c>listenPort</c>) that brokers register with and tools query.</summary>
    EndpointReference RemotingEndpoint { get; }
}
