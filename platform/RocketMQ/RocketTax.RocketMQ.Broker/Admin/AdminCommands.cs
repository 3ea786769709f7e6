using System.Globalization;
using System.Text.Json;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Admin;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Admin;

/// <summary>
/// <c>mqadmin</c>'s subcommands, printing what RocketMQ's own tool prints (same columns and widths) so
/// scripts written against it keep working. Failures throw <see cref="AdminException"/>.
/// </summary>
public sealed class AdminCommands(MQAdminClient admin, TextWriter output, TimeProvider time)
{
    private static readonly JsonSerializerOptions Indented = new(RemotingJson.Options) { WriteIndented = true };

    public async Task ClusterListAsync(CancellationToken cancellationToken)
    {
        var info = await admin.ClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine(Row("#Cluster Name", "#Broker Name", "#BID", "#Addr", "#Version", "#InTPS(LOAD)", "#OutTPS(LOAD)", "#PCWait(ms)", "#Hour", "#SPACE"));
        foreach (var (cluster, names) in info.ClusterAddrTable.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (var name in names.Order(StringComparer.Ordinal))
            {
                if (!info.BrokerAddrTable.TryGetValue(name, out var data))
                {
                    continue;
                }

                foreach (var (id, addr) in data.BrokerAddrs.OrderBy(a => a.Key))
                {
                    var table = await TryRuntimeInfoAsync(addr, cancellationToken).ConfigureAwait(false);
                    string Get(string key) => table?.Table.GetValueOrDefault(key) ?? string.Empty;
                    var hour = long.TryParse(Get("earliestMessageTimeStamp"), out var earliest) && earliest > 0
                        ? (time.GetUtcNow().ToUnixTimeMilliseconds() - earliest) / 3_600_000.0
                        : 0;
                    var space = double.TryParse(Get("commitLogDiskRatio"), NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) ? ratio : 0;
                    output.WriteLine(Row(
                        cluster, name, id.ToString(CultureInfo.InvariantCulture), addr, Get("brokerVersionDesc"),
                        Invariant($"{table?.FirstNumber("putTps") ?? 0,9:0.00}({Get("sendThreadPoolQueueSize")},{Get("sendThreadPoolQueueHeadWaitTimeMills")}ms)"),
                        Invariant($"{table?.FirstNumber("getTransferedTps") ?? 0,9:0.00}({Get("pullThreadPoolQueueSize")},{Get("pullThreadPoolQueueHeadWaitTimeMills")}ms)"),
                        Get("pageCacheLockTimeMills"), Invariant($"{hour:0.00}"), Invariant($"{space:0.0000}")));
                }
            }
        }
    }

    public async Task TopicListAsync(CancellationToken cancellationToken)
    {
        foreach (var topic in (await admin.TopicListAsync(cancellationToken).ConfigureAwait(false)).TopicList)
        {
            output.WriteLine(topic);
        }
    }

    public async Task TopicRouteAsync(AdminOptions options, CancellationToken cancellationToken)
    {
        var topic = Require(options.Topic, "-t <topic>");
        var route = await admin.RouteAsync(topic, cancellationToken).ConfigureAwait(false);
        output.WriteLine(JsonSerializer.Serialize(route, Indented));
        // The route itself has no message type (RocketMQ keeps it in the topic's attributes): one line per master says it.
        foreach (var broker in route.BrokerDatas)
        {
            if (broker.BrokerAddrs.TryGetValue(0, out var master))
            {
                var configs = await admin.TopicConfigsAsync(master, cancellationToken).ConfigureAwait(false);
                var type = configs.TopicConfigTable.GetValueOrDefault(topic)?.Attributes?.GetValueOrDefault("+message.type") ?? "NORMAL";
                output.WriteLine($"{broker.BrokerName} message.type={type}");
            }
        }
    }

    public async Task UpdateTopicAsync(AdminOptions options, CancellationToken cancellationToken)
    {
        var topic = Require(options.Topic, "-t <topic>");
        var header = MQAdminClient.TopicHeader(new TopicSettings(topic, options.ReadQueueNums, options.WriteQueueNums, options.Perm, options.Attributes));
        var targets = await TargetsAsync(options, "updateTopic", cancellationToken).ConfigureAwait(false);
        foreach (var addr in targets)
        {
            var response = await admin.AskBrokerAsync(addr, RequestCode.UpdateAndCreateTopic, header, cancellationToken).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new AdminException($"broker {addr} refused to create topic '{topic}': {response.Remark}");
            }

            output.WriteLine($"create topic to {addr} success.");
        }

        output.WriteLine(Invariant(
            $"TopicConfig [topicName={topic}, readQueueNums={options.ReadQueueNums}, writeQueueNums={options.WriteQueueNums}, perm={PermName(options.Perm)}, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false, attributes={{{options.Attributes}}}]"));
    }

    public async Task UpdateSubGroupAsync(AdminOptions options, CancellationToken cancellationToken)
    {
        var group = Require(options.Group, "-g <consumer group>");
        var config = new Managers.SubscriptionGroupConfig
        {
            GroupName = group,
            ConsumeEnable = options.ConsumeEnable,
            ConsumeMessageOrderly = options.ConsumeOrderly,
            ConsumeFromMinEnable = options.ConsumeFromMin,
            ConsumeBroadcastEnable = options.ConsumeBroadcast,
            RetryMaxTimes = options.RetryMaxTimes,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(config, RemotingJson.Options);
        foreach (var addr in await TargetsAsync(options, "updateSubGroup", cancellationToken).ConfigureAwait(false))
        {
            var request = RemotingCommand.Request(Managers.SubscriptionGroupAdminProcessor.UpdateAndCreateSubscriptionGroup, body: body);
            var response = await admin.AskBrokerAsync(addr, request, cancellationToken).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new AdminException($"broker {addr} refused to update consumer group '{group}': {response.Remark}");
            }

            output.WriteLine($"create subscription group to {addr} success.");
        }

        output.WriteLine(Invariant(
            $"SubscriptionGroupConfig [groupName={group}, consumeEnable={Lower(options.ConsumeEnable)}, consumeFromMinEnable={Lower(options.ConsumeFromMin)}, consumeBroadcastEnable={Lower(options.ConsumeBroadcast)}, consumeMessageOrderly={Lower(options.ConsumeOrderly)}, retryQueueNums=1, retryMaxTimes={options.RetryMaxTimes}, brokerId=0, whichBrokerWhenConsumeSlowly=1, notifyConsumerIdsChangedEnable=true]"));
    }

    public async Task DeleteTopicAsync(AdminOptions options, CancellationToken cancellationToken)
    {
        var topic = Require(options.Topic, "-t <topic>");
        var cluster = Require(options.Cluster, "-c <cluster>");
        await admin.DeleteTopicAsync(cluster, topic, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"delete topic [{topic}] from cluster [{cluster}] success.");
        output.WriteLine($"delete topic [{topic}] from NameServer success.");
    }

    public async Task ConsumerProgressAsync(AdminOptions options, CancellationToken cancellationToken)
    {
        var group = Require(options.Group, "-g <consumer group>");
        var stats = await admin.ConsumeStatsAsync(group, options.Topic, cancellationToken).ConfigureAwait(false);
        var entries = stats.OffsetEntries;
        var tps = stats.ConsumeTps;
        if (entries.Count == 0)
        {
            throw new AdminException($"consumer group '{group}' has no progress on any broker: it has not consumed yet, or the name is wrong");
        }

        output.WriteLine(Invariant($"{"#Topic",-32}  {"#Broker Name",-32}  {"#QID",-4}  {"#Broker Offset",-20}  {"#Consumer Offset",-20}  {"#Client IP",-20} {"#Diff",-20}  {"#LastTime"}"));
        long diffTotal = 0;
        foreach (var entry in entries.OrderBy(e => e.Topic, StringComparer.Ordinal).ThenBy(e => e.BrokerName, StringComparer.Ordinal).ThenBy(e => e.QueueId))
        {
            var diff = entry.BrokerOffset - entry.ConsumerOffset;
            diffTotal += diff;
            var last = entry.LastTimestamp > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(entry.LastTimestamp).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "N/A";
            output.WriteLine(Invariant($"{entry.Topic,-32}  {entry.BrokerName,-32}  {entry.QueueId,-4}  {entry.BrokerOffset,-20}  {entry.ConsumerOffset,-20}  {"N/A",-20} {diff,-20}  {last}"));
        }

        output.WriteLine();
        output.WriteLine(Invariant($"Consume TPS: {tps:0.00}"));
        output.WriteLine(Invariant($"Consume Diff Total: {diffTotal}"));
    }

    public async Task QueryMsgByIdAsync(AdminOptions options, CancellationToken cancellationToken)
    {
        var id = Require(options.MessageId, "-i <message id>");
        var found = await admin.FindMessageByIdAsync(id, options.Topic, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            var masters = await admin.AllMastersAsync(cancellationToken).ConfigureAwait(false);
            throw new AdminException($"no message with id '{id}' on any broker ({string.Join(", ", masters.Select(m => m.Addr))}); it may have been deleted with its commit-log segment");
        }

        foreach (var message in found)
        {
            Print(message);
        }
    }

    public async Task BrokerStatusAsync(AdminOptions options, CancellationToken cancellationToken)
    {
        var targets = options.BrokerAddr is { Length: > 0 } single
            ? [single]
            : (await admin.MastersAsync(Require(options.Cluster, "-b <broker addr> or -c <cluster>"), cancellationToken).ConfigureAwait(false)).Select(m => m.Addr).ToList();
        foreach (var addr in targets)
        {
            var table = await admin.RuntimeInfoAsync(addr, cancellationToken).ConfigureAwait(false);
            foreach (var (key, value) in table.Table.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                output.WriteLine(targets.Count > 1 ? $"{addr,-24}{key,-32}: {value}" : $"{key,-32}: {value}");
            }
        }
    }

    private void Print(MessageViewBody message)
    {
        void Line(string name, object? value) => output.WriteLine(Invariant($"{name,-20} {value}"));
        Line("OffsetID:", message.OffsetMsgId);
        Line("Msg ID:", message.MsgId);
        Line("Topic:", message.Topic);
        Line("Broker Name:", message.BrokerName);
        Line("Tags:", $"[{message.Tags}]");
        Line("Keys:", $"[{message.Keys}]");
        Line("Queue ID:", message.QueueId);
        Line("Queue Offset:", message.QueueOffset);
        Line("CommitLog Offset:", message.CommitLogOffset);
        Line("Reconsume Times:", message.ReconsumeTimes);
        Line("Born Timestamp:", Timestamp(message.BornTimestamp));
        Line("Store Timestamp:", Timestamp(message.StoreTimestamp));
        Line("Born Host:", message.BornHost);
        Line("Store Host:", message.StoreHost);
        Line("Properties:", "{" + string.Join(", ", message.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) + "}");
        Line("Message Body:", message.Body);
        output.WriteLine();
    }

    private async Task<IReadOnlyList<string>> TargetsAsync(AdminOptions options, string command, CancellationToken cancellationToken)
    {
        if (options.BrokerAddr is { Length: > 0 } single)
        {
            return [single];
        }

        if (options.Cluster is { Length: > 0 } cluster)
        {
            var masters = await admin.MastersAsync(cluster, cancellationToken).ConfigureAwait(false);
            return masters.Count > 0
                ? [.. masters.Select(m => m.Addr)]
                : throw new AdminException($"cluster '{cluster}' has no master broker registered; start the brokers first");
        }

        throw new AdminException($"{command} needs -c <cluster> (every master) or -b <broker addr> (one broker)");
    }

    private async Task<KVTable?> TryRuntimeInfoAsync(string addr, CancellationToken cancellationToken)
    {
        try
        {
            return await admin.RuntimeInfoAsync(addr, cancellationToken).ConfigureAwait(false);
        }
        catch (AdminException)
        {
            // RocketMQ's tool prints the row with empty figures when a broker does not answer; so does this one.
            return null;
        }
    }

    private static string Row(string cluster, string broker, string bid, string addr, string version, string inTps, string outTps, string pcWait, string hour, string space) =>
        Invariant($"{cluster,-16}  {broker,-22}  {bid,-4}  {addr,-22} {version,-16} {inTps,19} {outTps,19} {pcWait,10} {hour,5} {space,6}");

    private static string Lower(bool value) => value ? "true" : "false";

    private static string PermName(int perm) => $"{((perm & 4) != 0 ? 'R' : '-')}{((perm & 2) != 0 ? 'W' : '-')}{((perm & 1) != 0 ? 'X' : '-')}";

    private static string Timestamp(long millis) =>
        DateTimeOffset.FromUnixTimeMilliseconds(millis).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture);

    private static string Require(string? value, string option) =>
        string.IsNullOrEmpty(value) ? throw new AdminException($"missing {option}") : value;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
