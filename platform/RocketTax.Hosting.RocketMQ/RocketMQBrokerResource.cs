namespace Aspire.Hosting.ApplicationModel;

/// <summary>A master broker run as <c>rocketmq mqbroker -c ... --enable-proxy</c> (embedded mode).</summary>
public sealed class RocketMQBrokerResource(string name, string workingDirectory, RocketMQClusterResource parent)
    : ExecutableResource(name, "dotnet", workingDirectory), IRocketMQBrokerResource
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
