namespace Aspire.Hosting.ApplicationModel;

/// <summary>A name server run as <c>rocketmq mqnamesrv</c> (embedded mode).</summary>
public sealed class RocketMQNameServerResource(string name, string workingDirectory, RocketMQClusterResource parent)
    : ExecutableResource(name, "dotnet", workingDirectory), IRocketMQNameServerResource
{
    /// <inheritdoc />
    public RocketMQClusterResource Parent { get; } = parent;

    /// <inheritdoc />
    public EndpointReference RemotingEndpoint => new(this, RocketMQEndpointNames.Remoting);
}
