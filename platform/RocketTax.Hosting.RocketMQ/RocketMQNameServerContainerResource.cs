namespace Aspire.Hosting.ApplicationModel;

/// <summary>A name server run as a container with <c>sh mqnamesrv</c> (container mode).</summary>
public sealed class RocketMQNameServerContainerResource(string name, RocketMQClusterResource parent)
    : ContainerResource(name), IRocketMQNameServerResource
{
    /// <inheritdoc />
    public RocketMQClusterResource Parent { get; } = parent;

    /// <inheritdoc />
    public EndpointReference RemotingEndpoint => new(this, RocketMQEndpointNames.Remoting);
}
