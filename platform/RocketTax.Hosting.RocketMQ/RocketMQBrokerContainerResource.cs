namespace Aspire.Hosting.ApplicationModel;

/// <summary>A master broker run as a container with <c>sh mqbroker -n ... -c ... --enable-proxy</c> (container mode).</summary>
public sealed class RocketMQBrokerContainerResource(string name, RocketMQClusterResource parent)
    : ContainerResource(name), IRocketMQBrokerResource
{
    /// <inheritdoc />
    public RocketMQClusterResource Parent { get; } = parent;

    /// <inheritdoc />
    public EndpointReference RemotingEndpoint => new(this, RocketMQEndpointNames.Remoting);

    /// <inheritdoc />
    public EndpointReference GrpcEndpoint => new(this, RocketMQEndpointNames.Grpc);

    /// <inheritdoc />
    public IDictionary<string, string> Properties { get; } = RocketMQBrokerDefaults.SeedProperties(name);
}
