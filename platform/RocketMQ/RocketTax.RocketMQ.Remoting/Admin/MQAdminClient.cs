using System.Globalization;
using System.Text;
using RocketTax.RocketMQ.Remoting.Body;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Remoting.Admin;

/// <summary>The remoting calls behind <c>mqadmin</c> (RocketMQ's <c>DefaultMQAdminExt</c>): name servers first, then brokers.</summary>
public sealed class MQAdminClient(NameServerList nameServers, RemotingClient client, TimeSpan timeout)
{
    /// <summary>The producer group resent messages are sent under, so a broker's logs show who sent them.</summary>
    public const string ResendProducerGroup = "ROCKETTAX_CONSOLE_RESEND";

    private const int UniqueKeyQueryMax = 32;
    private const int PermWrite = 2;
    private const string RetryTopicProperty = "RETRY_TOPIC";

    // Where a message lay before the DLQ; a resent message starts afresh on its topic.
    private static readonly HashSet<string> DeadLetterBookkeeping =
        [RetryTopicProperty, "ORIGIN_QUEUE_ID", "ORIGIN_QUEUE_OFFSET", "REAL_TOPIC", "REAL_QID", "RECONSUME_TIME", "MAX_RECONSUME_TIMES"];

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

    /// <summary>Master addresses (broker id 0) of every broker the name servers know, by broker name.</summary>
    public async Task<IReadOnlyList<(string BrokerName, string Addr)>> AllMastersAsync(CancellationToken cancellationToken)
    {
        var info = await ClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        return [.. info.BrokerAddrTable.Values
            .Where(b => b.BrokerAddrs.ContainsKey(0))
            .OrderBy(b => b.BrokerName, StringComparer.Ordinal)
            .Select(b => (b.BrokerName, b.BrokerAddrs[0]))];
    }

    /// <summary>Creates or updates the topic on every master of <paramref name="clusterName"/>; returns the addresses it went to.</summary>
    public async Task<IReadOnlyList<string>> CreateTopicAsync(string clusterName, TopicSettings settings, CancellationToken cancellationToken)
    {
        var masters = await MastersAsync(clusterName, cancellationToken).ConfigureAwait(false);
        if (masters.Count == 0)
        {
            throw new AdminException($"cluster '{clusterName}' has no master broker registered; start the brokers first");
        }

        var header = TopicHeader(settings);
        foreach (var (_, addr) in masters)
        {
            var response = await AskBrokerAsync(addr, RequestCode.UpdateAndCreateTopic, header, cancellationToken).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new AdminException($"broker {addr} refused to create topic '{settings.Topic}': {response.Remark}");
            }
        }

        return [.. masters.Select(m => m.Addr)];
    }

    /// <summary>Deletes the topic from every master of <paramref name="clusterName"/>, then from the name servers.</summary>
    public async Task DeleteTopicAsync(string clusterName, string topic, CancellationToken cancellationToken)
    {
        foreach (var (_, addr) in await MastersAsync(clusterName, cancellationToken).ConfigureAwait(false))
        {
            var response = await AskBrokerAsync(addr, RequestCode.DeleteTopicInBroker, new Dictionary<string, string> { ["topic"] = topic }, cancellationToken).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new AdminException($"broker {addr} refused to delete topic '{topic}': {response.Remark}");
            }
        }

        await DeleteTopicInNameServersAsync(topic, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Min and max offset of every queue of the topic on every broker of its route (<c>GET_TOPIC_STATS_INFO</c>).</summary>
    public async Task<IReadOnlyList<TopicQueueOffsets>> TopicStatsAsync(string topic, CancellationToken cancellationToken)
    {
        var route = await RouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var queues = new List<TopicQueueOffsets>();
        foreach (var broker in route.BrokerDatas.OrderBy(b => b.BrokerName, StringComparer.Ordinal))
        {
            if (broker.BrokerAddrs.GetValueOrDefault(0) is not { } addr)
            {
                continue;
            }

            var response = await AskBrokerAsync(addr, RequestCode.GetTopicStatsInfo, new Dictionary<string, string> { ["topic"] = topic }, cancellationToken).ConfigureAwait(false);
            if (response.Code == ResponseCode.Success)
            {
                queues.AddRange(response.ReadBody<TopicStatsBody>().OffsetTable.Select(e =>
                    new TopicQueueOffsets(e.Key.Topic, e.Key.BrokerName, e.Key.QueueId, e.Value.MinOffset, e.Value.MaxOffset, e.Value.LastUpdateTimestamp)));
            }
        }

        return queues;
    }

    /// <summary>Every topic of one broker with its queues, permission and attributes (<c>GET_ALL_TOPIC_CONFIG</c>).</summary>
    public async Task<TopicConfigSerializeWrapper> TopicConfigsAsync(string brokerAddr, CancellationToken cancellationToken)
    {
        var response = await AskBrokerAsync(brokerAddr, RequestCode.GetAllTopicConfig, null, cancellationToken).ConfigureAwait(false);
        return response.Code == ResponseCode.Success
            ? response.ReadBody<TopicConfigSerializeWrapper>()
            : throw new AdminException($"broker {brokerAddr} refused GET_ALL_TOPIC_CONFIG: {response.Remark}");
    }

    /// <summary>A consumer group's progress on every master (<c>GET_CONSUME_STATS</c>): empty when it has consumed nothing anywhere.</summary>
    public async Task<ConsumerProgress> ConsumeStatsAsync(string group, string? topic, CancellationToken cancellationToken)
    {
        var header = new Dictionary<string, string> { ["consumerGroup"] = group };
        if (!string.IsNullOrEmpty(topic))
        {
            header["topic"] = topic;
        }

        var entries = new List<QueueOffsetEntry>();
        double tps = 0;
        foreach (var (_, addr) in await AllMastersAsync(cancellationToken).ConfigureAwait(false))
        {
            var response = await AskBrokerAsync(addr, RequestCode.GetConsumeStats, header, cancellationToken).ConfigureAwait(false);
            if (response.Code == ResponseCode.Success)
            {
                var stats = response.ReadBody<ConsumeStatsBody>();
                entries.AddRange(stats.OffsetTable.Select(e =>
                    new QueueOffsetEntry(e.Key.Topic, e.Key.BrokerName, e.Key.QueueId, e.Value.BrokerOffset, e.Value.ConsumerOffset, e.Value.LastTimestamp)));
                tps += stats.ConsumeTps;
            }
        }

        return new ConsumerProgress(entries, tps);
    }

    /// <summary>The group's online clients on every master (<c>GET_CONSUMER_CONNECTION_LIST</c>); an empty set when none is online.</summary>
    public async Task<ConsumerConnectionBody> ConsumerConnectionAsync(string group, CancellationToken cancellationToken)
    {
        var header = new Dictionary<string, string> { ["consumerGroup"] = group };
        var connections = new Dictionary<string, ConnectionBody>(StringComparer.Ordinal);
        ConsumerConnectionBody? first = null;
        foreach (var (_, addr) in await AllMastersAsync(cancellationToken).ConfigureAwait(false))
        {
            var response = await AskBrokerAsync(addr, RequestCode.GetConsumerConnectionList, header, cancellationToken).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                continue;
            }

            var body = response.ReadBody<ConsumerConnectionBody>();
            first ??= body;
            foreach (var connection in body.ConnectionSet)
            {
                connections.TryAdd(connection.ClientId, connection);
            }
        }

        return (first ?? new ConsumerConnectionBody()) with { ConnectionSet = [.. connections.Values.OrderBy(c => c.ClientId, StringComparer.Ordinal)] };
    }

    /// <summary>Messages whose key or id is <paramref name="key"/> on every master (<c>QUERY_MESSAGE</c>), at most <paramref name="maxNum"/> per broker.</summary>
    public Task<IReadOnlyList<MessageViewBody>> QueryMessagesAsync(string key, string? topic, int maxNum, CancellationToken cancellationToken) =>
        QueryMessagesAsync(key, topic, maxNum, uniqueKey: false, cancellationToken);

    private async Task<IReadOnlyList<MessageViewBody>> QueryMessagesAsync(string key, string? topic, int maxNum, bool uniqueKey, CancellationToken cancellationToken)
    {
        // RocketMQ's brokers need the whole time range in the header; this asks for all of time.
        var header = new Dictionary<string, string>
        {
            ["key"] = key,
            ["maxNum"] = maxNum.ToString(CultureInfo.InvariantCulture),
            ["beginTimestamp"] = "0",
            ["endTimestamp"] = long.MaxValue.ToString(CultureInfo.InvariantCulture),
        };
        if (uniqueKey)
        {
            // Java brokers search their UNIQ_KEY index only when asked to.
            header["_UNIQUE_KEY_QUERY"] = "true";
        }

        if (!string.IsNullOrEmpty(topic))
        {
            header["topic"] = topic;
        }

        var found = new List<MessageViewBody>();
        foreach (var (brokerName, addr) in await AllMastersAsync(cancellationToken).ConfigureAwait(false))
        {
            var response = await AskBrokerAsync(addr, RequestCode.QueryMessage, header, cancellationToken).ConfigureAwait(false);
            if (response.Code == ResponseCode.Success)
            {
                found.AddRange(Messages(response, brokerName));
            }
        }

        return found;
    }

    /// <summary>
    /// The message with this id: an offset id is read directly from the broker it names (<c>VIEW_MESSAGE_BY_ID</c>),
    /// any other id (the client's <c>UNIQ_KEY</c>) is looked up on every master. Empty when no broker has it.
    /// </summary>
    public async Task<IReadOnlyList<MessageViewBody>> FindMessageByIdAsync(string id, string? topic, CancellationToken cancellationToken)
    {
        if (MessageIds.TryParseOffsetMessageId(id, out var brokerAddr, out var offset)
            && (await AllMastersAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(m => m.Addr == brokerAddr) is { BrokerName: { } brokerName })
        {
            var response = await AskBrokerAsync(brokerAddr, RequestCode.ViewMessageById,
                new Dictionary<string, string> { ["offset"] = offset.ToString(CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
            if (response.Code == ResponseCode.Success)
            {
                return Messages(response, brokerName);
            }
        }

        var matches = await QueryMessagesAsync(id, topic, UniqueKeyQueryMax, uniqueKey: true, cancellationToken).ConfigureAwait(false);
        return [.. matches.Where(m => m.MsgId == id || m.OffsetMsgId == id)];
    }

    /// <summary>The messages of a <c>VIEW_MESSAGE_BY_ID</c> or <c>QUERY_MESSAGE</c> answer, in RocketMQ's binary message form.</summary>
    private static IReadOnlyList<MessageViewBody> Messages(RemotingCommand response, string brokerName)
    {
        try
        {
            return [.. MessageExtCodec.DecodeAll(response.Body).Select(m => MessageViewBody.Of(m, brokerName))];
        }
        catch (RemotingProtocolException ex)
        {
            throw new AdminException($"broker {brokerName} answered with bytes that are not stored messages: {ex.Message}");
        }
    }

    /// <summary>
    /// Sends a stored message again to the topic it came from (<c>RETRY_TOPIC</c> of a dead-lettered message, else
    /// its own topic) with <c>SEND_MESSAGE</c>, keeping its id, keys, tag and trace context so consumers see the same message.
    /// </summary>
    public async Task<ResendResult> ResendAsync(MessageViewBody message, CancellationToken cancellationToken)
    {
        var topic = message.Properties.GetValueOrDefault(RetryTopicProperty) ?? message.Topic;
        var route = await RouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var writable = route.QueueDatas.Where(q => (q.Perm & PermWrite) != 0 && q.WriteQueueNums > 0).Select(q => q.BrokerName).ToHashSet(StringComparer.Ordinal);
        var target = route.BrokerDatas.OrderBy(b => b.BrokerName, StringComparer.Ordinal)
            .FirstOrDefault(b => writable.Contains(b.BrokerName) && b.BrokerAddrs.ContainsKey(0))
            ?? throw new AdminException($"no master broker accepts writes to topic '{topic}'");

        var properties = message.Properties.Where(p => !DeadLetterBookkeeping.Contains(p.Key));
        var header = new Dictionary<string, string>
        {
            ["producerGroup"] = ResendProducerGroup,
            ["topic"] = topic,
            ["defaultTopic"] = "TBW102",
            ["defaultTopicQueueNums"] = "4",
            ["queueId"] = "-1",
            ["sysFlag"] = "0",
            ["bornTimestamp"] = message.BornTimestamp.ToString(CultureInfo.InvariantCulture),
            ["flag"] = "0",
            ["properties"] = MessagePropertiesCodec.Encode(properties),
            ["reconsumeTimes"] = "0",
        };
        var addr = target.BrokerAddrs[0];
        var response = await AskBrokerAsync(addr, RemotingCommand.Request(RequestCode.SendMessage, header, Encoding.UTF8.GetBytes(message.Body ?? string.Empty)), cancellationToken).ConfigureAwait(false);
        return response.Code == ResponseCode.Success
            // The answer's msgId is the new offset id; the message keeps its own id (UNIQ_KEY), which consumers see.
            ? new ResendResult(topic, target.BrokerName, message.Properties.GetValueOrDefault("UNIQ_KEY") ?? message.MsgId,
                int.TryParse(response.Field("queueId"), CultureInfo.InvariantCulture, out var queueId) ? queueId : -1,
                long.TryParse(response.Field("queueOffset"), CultureInfo.InvariantCulture, out var queueOffset) ? queueOffset : -1)
            : throw new AdminException($"broker {addr} refused to store the resent message on '{topic}': {response.Remark}");
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
