using RocketTax.Hosting.RocketMQ;
using RocketTax.Hosting.RocketMQ.AccessControl;
using RocketTax.RocketMQ.Remoting;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A RocketMQ cluster: its name servers and master brokers are child resources. Its connection string is the brokers'
/// gRPC endpoints, <c>host:port;host:port</c>, the form RocketTax's client and the official 5.x clients take.
/// </summary>
public sealed class RocketMQClusterResource(string name, RocketMQMode mode) : Resource(name), IResourceWithConnectionString
{
    private readonly Dictionary<string, int> _topics = new(StringComparer.Ordinal);

    /// <summary>Where the cluster runs.</summary>
    public RocketMQMode Mode { get; } = mode;

    /// <summary>The <c>brokerClusterName</c> of every broker.</summary>
    public string ClusterName => RocketMQBrokerDefaults.ClusterName;

    /// <summary>The name servers, in the order brokers are given them.</summary>
    public IList<IRocketMQNameServerResource> NameServers { get; } = [];

    /// <summary>The master brokers.</summary>
    public IList<IRocketMQBrokerResource> Brokers { get; } = [];

    /// <summary>Topics created on every master once the brokers are up, with their queues per broker.</summary>
    public IReadOnlyDictionary<string, int> Topics => _topics;

    /// <summary>Root of the brokers' stores and generated properties files (<c>&lt;root&gt;/&lt;resource&gt;/</c>, <c>&lt;root&gt;/conf/</c>).</summary>
    public string DataPath { get; internal set; } = string.Empty;

    /// <summary>In container mode, keep stores in named volumes rather than bind mounts of <see cref="DataPath"/>.</summary>
    public bool UseDataVolumes { get; internal set; }

    /// <summary>The accounts of the brokers' ACL file, when <c>WithAccessControl()</c> turned it on.</summary>
    internal ClusterAccessControl? AccessControl { get; set; }

    /// <summary>How the integration signs its own calls: as the admin account under access control, else not at all.</summary>
    internal RemotingCredentials? AdminCredentials => AccessControl?.Admin.Credentials;

    /// <summary>The endpoints of an existing cluster (external mode).</summary>
    internal string? ExternalEndpoints { get; init; }

    /// <summary>The name servers as brokers and <c>mqadmin</c> take them from the host: <c>127.0.0.1:9876;127.0.0.1:9877</c>.</summary>
    public string NameServerAddresses => string.Join(';', NameServers.Select(ns => $"127.0.0.1:{ns.HostPort(RocketMQEndpointNames.Remoting)}"));

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var expression = new ReferenceExpressionBuilder();
            if (ExternalEndpoints is not null)
            {
                expression.AppendLiteral(ExternalEndpoints);
                return expression.Build();
            }

            for (var i = 0; i < Brokers.Count; i++)
            {
                expression.AppendLiteral(i == 0 ? "127.0.0.1:" : ";127.0.0.1:");
                expression.AppendFormatted(Brokers[i].GrpcEndpoint.Property(EndpointProperty.Port));
            }

            return expression.Build();
        }
    }

    internal void SetTopic(string topic, int queuesPerBroker) => _topics[topic] = queuesPerBroker;

    /// <summary>The topic a health check queries: the first one configured, or RocketMQ's default topic.</summary>
    internal string ProbeTopic => _topics.Keys.FirstOrDefault() ?? "TBW102";
}
