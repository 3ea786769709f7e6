using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>
/// Keeps each broker's figures on its resource, where the dashboard shows them under Properties: messages in and out
/// per second, messages and bytes stored, topics, disk use. They are read with <c>GET_BROKER_RUNTIME_INFO</c>, as
/// <c>mqadmin brokerStatus</c> reads them, every <see cref="Interval"/> while the app runs; a broker that does not
/// answer (stopped, restarting) keeps its last figures until it answers again.
/// </summary>
/// <remarks>
/// Under <c>WithAccessControl()</c> the calls are signed as the integration's admin account. A broker given <c>aclEnable=true</c>
/// another way (through <c>WithBrokerProperty</c>, with an ACL file the integration holds no account of) refuses them, and that
/// is shown as <see cref="Access"/> on the broker and logged once, rather than left to look like figures that stopped moving;
/// the property goes once figures come again.
/// </remarks>
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
    public const string Access = "rocketmq.figures.access";

    public static async Task RunAsync(RocketMQClusterResource cluster, ResourceNotificationService notifications, ILogger logger, CancellationToken stopping)
    {
        await using var client = new RemotingClient { ConnectTimeout = CallTimeout, Credentials = cluster.AdminCredentials };
        var denied = new HashSet<string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(Interval);
        do
        {
            foreach (var broker in cluster.Brokers)
            {
                var address = $"127.0.0.1:{broker.HostPort(RocketMQEndpointNames.Remoting)}";
                RemotingCommand answer;
                KVTable? info;
                try
                {
                    answer = await client.InvokeAsync(address, RemotingCommand.Request(RequestCode.GetBrokerRuntimeInfo), CallTimeout, stopping).ConfigureAwait(false);
                    info = answer.Code == ResponseCode.Success ? answer.ReadBody<KVTable>() : null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Timed out, or an answer that does not parse: figures are informative, the next round tries again.
                    logger.LogDebug("No runtime figures from {Broker} this round: {Reason}", broker.Name, ex.Message);
                    continue;
                }

                if (info is not null)
                {
                    denied.Remove(broker.Name);
                    await notifications.PublishUpdateAsync(broker, s => s with
                    {
                        Properties = Merge([.. s.Properties.Where(p => p.Name != Access)], Describe(info)),
                    }).ConfigureAwait(false);
                }
                else if (answer.Code == ResponseCode.NoPermission)
                {
                    if (denied.Add(broker.Name))
                    {
                        logger.LogWarning("{Broker} refuses the integration's GET_BROKER_RUNTIME_INFO (aclEnable=true without WithAccessControl()), so its live figures are not shown: {Reason}", broker.Name, answer.Remark);
                    }

                    await notifications.PublishUpdateAsync(broker, s => s with { Properties = Merge(s.Properties, [Denied(answer.Remark)]) }).ConfigureAwait(false);
                }
                else
                {
                    logger.LogDebug("No runtime figures from {Broker} this round: code {Code}, {Reason}", broker.Name, answer.Code, answer.Remark);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
    }

    private static ResourcePropertySnapshot Denied(string? reason) =>
        new(Access, $"access denied: {reason} (turn ACL on with WithAccessControl() so the integration signs its calls; the figures are not updated)")
        {
            DisplayName = "Live figures",
        };

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
