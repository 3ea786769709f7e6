using Microsoft.Extensions.Options;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Admin;

namespace RocketTax.RocketMQ.Console.Admin;

/// <summary>Reads the cluster page: asks each name server on its own (so a dead one shows as such), then each broker for its figures.</summary>
public sealed class ClusterOverviewReader(NameServerList nameServers, RemotingClient client, MQAdminClient admin, IOptions<ConsoleOptions> options)
{
    public async Task<ClusterOverview> ReadAsync(CancellationToken cancellationToken)
    {
        var states = new List<NameServerState>();
        foreach (var address in nameServers.Addresses)
        {
            states.Add(await ProbeAsync(address, cancellationToken).ConfigureAwait(false));
        }

        Remoting.Body.ClusterInfo info;
        try
        {
            info = await admin.ClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AdminException or RemotingProtocolException)
        {
            return new ClusterOverview(states, [], ex.Message);
        }

        var brokers = new List<BrokerState>();
        foreach (var (cluster, names) in info.ClusterAddrTable.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (var name in names.Order(StringComparer.Ordinal))
            {
                foreach (var (id, address) in info.BrokerAddrTable.GetValueOrDefault(name)?.BrokerAddrs.OrderBy(a => a.Key) ?? Enumerable.Empty<KeyValuePair<long, string>>())
                {
                    brokers.Add(await BrokerAsync(cluster, name, id, address, cancellationToken).ConfigureAwait(false));
                }
            }
        }

        return new ClusterOverview(states, brokers, null);
    }

    private async Task<NameServerState> ProbeAsync(string address, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.InvokeAsync(address, RemotingCommand.Request(RequestCode.GetBrokerClusterInfo), options.Value.CallTimeout, cancellationToken).ConfigureAwait(false);
            return response.Code == ResponseCode.Success
                ? new NameServerState(address, true, "online")
                : new NameServerState(address, false, $"answered code {response.Code}: {response.Remark}");
        }
        catch (RemotingException ex)
        {
            return new NameServerState(address, false, ex.Message);
        }
    }

    private async Task<BrokerState> BrokerAsync(string cluster, string name, long id, string address, CancellationToken cancellationToken)
    {
        var state = new BrokerState { Cluster = cluster, BrokerName = name, BrokerId = id, Address = address };
        Remoting.Body.KVTable table;
        try
        {
            table = await admin.RuntimeInfoAsync(address, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AdminException or RemotingProtocolException)
        {
            return state with { Error = ex.Message };
        }

        return state with
        {
            Version = table.Table.GetValueOrDefault("brokerVersionDesc"),
            PutTps = table.FirstNumber("putTps"),
            MessagesPutToday = (long)table.FirstNumber("msgPutTotalTodayNow"),
            DiskRatio = table.FirstNumber("commitLogDiskRatio"),
            DiskCapacity = table.Table.GetValueOrDefault("commitLogDirCapacity"),
            Runtime = table.Table.GetValueOrDefault("runtime"),
        };
    }
}
