using System.Globalization;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// Auto-creation of a topic no broker of the cluster serves: created here, registered at once, and asked of
/// every other master of this broker's cluster (UPDATE_AND_CREATE_TOPIC), as <c>mqadmin updateTopic -c</c> would.
/// </summary>
public sealed partial class ClusterTopicCreator(
    TopicManager topics,
    NameServerRegistrar registrar,
    ClusterRouteService routes,
    RemotingClient client,
    BrokerIdentity identity,
    ILogger<ClusterTopicCreator> logger)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Creates <paramref name="topic"/> on every master; the other masters are best effort (logged when they fail).</summary>
    public async Task<TopicConfig?> CreateEverywhereAsync(string topic, CancellationToken cancellationToken)
    {
        var created = topics.GetOrAutoCreate(topic);
        if (created is null)
        {
            return null;
        }

        await registrar.RegisterAllAsync(cancellationToken).ConfigureAwait(false);
        if (await routes.GetClusterInfoAsync(cancellationToken).ConfigureAwait(false) is not { } cluster
            || !cluster.ClusterAddrTable.TryGetValue(identity.ClusterName, out var brokerNames))
        {
            return created;
        }

        var header = new Dictionary<string, string>
        {
            ["topic"] = created.Name,
            ["readQueueNums"] = created.QueueCount.ToString(CultureInfo.InvariantCulture),
            ["writeQueueNums"] = created.QueueCount.ToString(CultureInfo.InvariantCulture),
            ["perm"] = created.Perm.ToString(CultureInfo.InvariantCulture),
            ["attributes"] = $"{TopicConfigMapping.MessageTypeAttribute}={TopicConfigMapping.MessageTypeName(created.MessageType)}",
        };
        var others = brokerNames
            .Where(name => name != identity.BrokerName)
            .Select(name => cluster.BrokerAddrTable.GetValueOrDefault(name)?.BrokerAddrs.GetValueOrDefault(0))
            .OfType<string>();
        await Task.WhenAll(others.Select(addr => CreateOnAsync(addr, header, cancellationToken))).ConfigureAwait(false);
        return created;
    }

    private async Task CreateOnAsync(string brokerAddr, Dictionary<string, string> header, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.InvokeAsync(brokerAddr, RemotingCommand.Request(RequestCode.UpdateAndCreateTopic, header), CallTimeout, cancellationToken).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                LogCreateFailed(header["topic"], brokerAddr, response.Remark ?? $"code {response.Code}");
            }
        }
        catch (RemotingException ex)
        {
            LogCreateFailed(header["topic"], brokerAddr, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auto-creating topic {Topic} on {BrokerAddr} failed: {Reason}; create it with 'mqadmin updateTopic -c <cluster> -t {Topic}'")]
    private partial void LogCreateFailed(string topic, string brokerAddr, string reason);
}
