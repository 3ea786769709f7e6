using System.Globalization;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Remoting.Admin;

/// <summary>The remoting calls behind <c>mqadmin</c> (RocketMQ's <c>DefaultMQAdminExt</c>): name servers first, then brokers.</summary>
public sealed class MQAdminClient(NameServerList nameServers, RemotingClient client, TimeSpan timeout)
{
    public async Task<ClusterInfo> ClusterInfoAsync(CancellationToken cancellationToken) =>
        (await AskNameServerAsync(RemotingCommand.Request(RequestCode.GetBrokerClusterInfo), cancellationToken).ConfigureAwait(false)).ReadBody<ClusterInfo>();

    public async Task<TopicListBody> TopicListAsync(CancellationToken cancellationToken) =>
        (await AskNameServerAsync(RemotingCommand.Request(RequestCode.GetAllTopicListFromNameServer), cancellationToken).ConfigureAwait(false)).ReadBody<TopicListBody>();

    /// <summary>The topic's route; throws <see cref="AdminException"/> when no broker serves it.</summary>
    public async Task<TopicRouteData> RouteAsync(string topic, CancellationToken cancellationToken)
    {
        var response = await AskNameServerAsync(
            RemotingCommand.Request(RequestCode.GetRouteInfoByTopic, new Dictionary<string, string> { ["topic"] = topic }), cancellationToken,
            ResponseCode.TopicNotExist).ConfigureAwait(false);
        return response.Code == ResponseCode.TopicNotExist
            ? throw new AdminException($"topic '{topic}' does not exist in the cluster (create it with 'mqadmin updateTopic -c <cluster> -t {topic}')")
            : response.ReadBody<TopicRouteData>();
    }

    /// <summary>Master addresses (broker id 0) of every broker of <paramref name="clusterName"/>, by broker name.</summary>
    public async Task<IReadOnlyList<(string BrokerName, string Addr)>> MastersAsync(string clusterName, CancellationToken cancellationToken)
    {
        var info = await ClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        if (!info.ClusterAddrTable.TryGetValue(clusterName, out var names))
        {
            var known = info.ClusterAddrTable.Count == 0 ? "none" : string.Join(", ", info.ClusterAddrTable.Keys);
            throw new AdminException($"cluster '{clusterName}' is not known to the name servers (known clusters: {known})");
        }

        return [.. names.Order(StringComparer.Ordinal)
            .Select(name => (name, info.BrokerAddrTable.GetValueOrDefault(name)?.BrokerAddrs.GetValueOrDefault(0)))
            .Where(b => b.Item2 is not null)
            .Select(b => (b.name, b.Item2!))];
    }

    public Task<RemotingCommand> AskBrokerAsync(string brokerAddr, int code, IReadOnlyDictionary<string, string>? header, CancellationToken cancellationToken) =>
        AskBrokerAsync(brokerAddr, RemotingCommand.Request(code, header), cancellationToken);

    public async Task<RemotingCommand> AskBrokerAsync(string brokerAddr, RemotingCommand request, CancellationToken cancellationToken)
    {
        try
        {
            return await client.InvokeAsync(brokerAddr, request, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RemotingException ex)
        {
            throw new AdminException($"broker {ex.Message}");
        }
    }

    public async Task<KVTable> RuntimeInfoAsync(string brokerAddr, CancellationToken cancellationToken)
    {
        var response = await AskBrokerAsync(brokerAddr, RequestCode.GetBrokerRuntimeInfo, null, cancellationToken).ConfigureAwait(false);
        return response.Code == ResponseCode.Success
            ? response.ReadBody<KVTable>()
            : throw new AdminException($"broker {brokerAddr} refused GET_BROKER_RUNTIME_INFO: {response.Remark}");
    }

    public async Task DeleteTopicInNameServersAsync(string topic, CancellationToken cancellationToken)
    {
        foreach (var nameServer in nameServers.Addresses)
        {
            try
            {
                await client.InvokeAsync(nameServer, RemotingCommand.Request(RequestCode.DeleteTopicInNameServer,
                    new Dictionary<string, string> { ["topic"] = topic }), timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (RemotingException)
            {
                // A name server that is down forgets the topic anyway: brokers re-register without it.
            }
        }
    }

    /// <summary>The <c>UPDATE_AND_CREATE_TOPIC</c> header fields for <paramref name="settings"/>, as <c>mqadmin updateTopic</c> sends them.</summary>
    public static Dictionary<string, string> TopicHeader(TopicSettings settings)
    {
        var header = new Dictionary<string, string>
        {
            ["topic"] = settings.Topic,
            ["defaultTopic"] = "TBW102",
            ["readQueueNums"] = settings.ReadQueueNums.ToString(CultureInfo.InvariantCulture),
            ["writeQueueNums"] = settings.WriteQueueNums.ToString(CultureInfo.InvariantCulture),
            ["perm"] = settings.Perm.ToString(CultureInfo.InvariantCulture),
            ["topicFilterType"] = "SINGLE_TAG",
            ["topicSysFlag"] = "0",
            ["order"] = "false",
        };
        if (settings.Attributes is { Length: > 0 } attributes)
        {
            header["attributes"] = attributes;
        }

        return header;
    }

    /// <summary>Asks the name servers in order until one answers; an answer other than success (or <paramref name="accepted"/>) is an error.</summary>
    private async Task<RemotingCommand> AskNameServerAsync(RemotingCommand request, CancellationToken cancellationToken, int accepted = ResponseCode.Success)
    {
        var failures = new List<string>();
        foreach (var nameServer in nameServers.Addresses)
        {
            RemotingCommand response;
            try
            {
                response = await client.InvokeAsync(nameServer, request, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (RemotingException ex)
            {
                failures.Add(ex.Message);
                continue;
            }

            return response.Code is ResponseCode.Success || response.Code == accepted
                ? response
                : throw new AdminException($"name server {nameServer} answered code {response.Code}: {response.Remark}");
        }

        throw new AdminException($"no name server answered ({string.Join("; ", failures)}); check -n or NAMESRV_ADDR and that mqnamesrv runs");
    }
}
