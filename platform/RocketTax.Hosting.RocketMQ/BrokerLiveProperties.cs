using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Admin;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>
/// Keeps each broker's figures on its resource, where the dashboard shows them under Properties: messages in and out
/// per second, messages and bytes stored, topics, disk use. They are read with <c>GET_BROKER_RUNTIME_INFO</c>, as
/// <c>mqadmin brokerStatus</c> reads them, every <see cref="Interval"/> while the app runs; a broker that does not
/// answer (stopped, restarting) keeps its last figures until it answers again.
/// </summary>
internal static class BrokerLiveProperties
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);

    public const string PutTps = "rocketmq.put.tps";
    public const string GetTps = "rocketmq.get.tps";
    public const string MessagesStored = "rocketmq.messages.stored";
    public const string BytesStored = "rocketmq.bytes.stored";
    public const string Topics = "rocketmq.topics";
    public const string DiskUsed = "rocketmq.disk.used";

    public static async Task RunAsync(RocketMQClusterResource cluster, ResourceNotificationService notifications, ILogger logger, CancellationToken stopping)
    {
        await using var client = new RemotingClient { ConnectTimeout = CallTimeout };
        var admin = new MQAdminClient(NameServerList.Parse(cluster.NameServerAddresses), client, CallTimeout);
        using var timer = new PeriodicTimer(Interval);
        do
        {
            foreach (var broker in cluster.Brokers)
            {
                KVTable info;
                try
                {
                    info = await admin.RuntimeInfoAsync($"127.0.0.1:{broker.HostPort(RocketMQEndpointNames.Remoting)}", stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Refused, timed out, or an answer that does not parse: figures are informative, the next round tries again.
                    logger.LogDebug("No runtime figures from {Broker} this round: {Reason}", broker.Name, ex.Message);
                    continue;
                }

                await notifications.PublishUpdateAsync(broker, s => s with { Properties = Merge(s.Properties, Describe(info)) }).ConfigureAwait(false);
            }
        }
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
    }

    private static IEnumerable<ResourcePropertySnapshot> Describe(KVTable info)
    {
        string Value(string key) => info.Table.GetValueOrDefault(key) ?? "0";
        yield return new(PutTps, info.FirstNumber("putTps").ToString("0.0", CultureInfo.InvariantCulture)) { DisplayName = "Messages in per second" };
        yield return new(GetTps, info.FirstNumber("getTransferedTps").ToString("0.0", CultureInfo.InvariantCulture)) { DisplayName = "Messages out per second" };
        yield return new(MessagesStored, Value("msgPutTotalTodayNow")) { DisplayName = "Messages stored" };
        yield return new(BytesStored, Value("commitLogBytes")) { DisplayName = "Commit log bytes" };
        yield return new(Topics, Value("topicCount")) { DisplayName = "Topics" };
        if (info.Table.TryGetValue("commitLogDiskRatio", out var ratio))
        {
            yield return new(DiskUsed, ratio) { DisplayName = "Disk used (ratio)" };
        }
    }

    private static ImmutableArray<ResourcePropertySnapshot> Merge(ImmutableArray<ResourcePropertySnapshot> current, IEnumerable<ResourcePropertySnapshot> update)
    {
        var fresh = update.ToList();
        return [.. current.Where(p => fresh.TrueForAll(f => f.Name != p.Name)), .. fresh];
    }
}
