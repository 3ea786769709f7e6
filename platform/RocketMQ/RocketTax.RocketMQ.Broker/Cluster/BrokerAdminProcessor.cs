using System.Globalization;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// The broker's remoting requests, the ones <c>mqadmin</c> and other brokers send (RocketMQ's
/// <c>AdminBrokerProcessor</c> and <c>QueryMessageProcessor</c>): topics, runtime info, consumer progress, message lookup.
/// </summary>
public sealed partial class BrokerAdminProcessor(
    TopicManager topics,
    PopManager pop,
    ConsumerOffsetManager offsets,
    IMessageStore store,
    BrokerIdentity identity,
    BrokerConfig config,
    TpsMeter tps,
    TimeProvider time,
    ILogger<BrokerAdminProcessor> logger) : IRemotingRequestProcessor
{
    /// <summary>The RocketMQ release whose admin protocol this broker speaks, as <c>clusterList</c> prints it.</summary>
    public const string VersionDescription = "V5_3_2";

    private const int ScanBatch = 256;
    private const int DefaultMaxMessages = 32;

    private readonly DateTimeOffset _bootTime = time.GetUtcNow();

    public IReadOnlyCollection<int> RequestCodes { get; } =
    [
        RequestCode.UpdateAndCreateTopic, RequestCode.DeleteTopicInBroker, RequestCode.GetAllTopicConfig,
        RequestCode.GetBrokerRuntimeInfo, RequestCode.GetConsumeStats, RequestCode.ViewMessageById, RequestCode.QueryMessage,
        RequestCode.GetTopicStatsInfo,
    ];

    public ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(request.Code switch
        {
            RequestCode.UpdateAndCreateTopic => CreateTopic(request, peer),
            RequestCode.DeleteTopicInBroker => DeleteTopic(request, peer),
            RequestCode.GetAllTopicConfig => RemotingCommand.JsonResponse(request, AllTopics()),
            RequestCode.GetBrokerRuntimeInfo => RemotingCommand.JsonResponse(request, RuntimeInfo()),
            RequestCode.GetConsumeStats => ConsumeStats(request),
            RequestCode.ViewMessageById => ViewMessage(request),
            RequestCode.QueryMessage => QueryMessage(request),
            RequestCode.GetTopicStatsInfo => TopicStats(request),
            _ => RemotingCommand.Response(request, ResponseCode.RequestCodeNotSupported, $"request code {request.Code} is not served by the broker"),
        });

    private RemotingCommand CreateTopic(RemotingCommand request, string peer)
    {
        var name = Required(request, "topic");
        if (!TopicName.IsValid(name))
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError,
                $"topic name '{name}' is invalid: use 1..{TopicName.MaxLength} characters from [%|a-zA-Z0-9_-]");
        }

        var read = (int)Number(request, "readQueueNums", 1, 1024, config.DefaultTopicQueueNums);
        var write = (int)Number(request, "writeQueueNums", 1, 1024, config.DefaultTopicQueueNums);
        var perm = (int)Number(request, "perm", 0, 7, TopicConfig.PermReadWrite);
        var type = MessageTypeOf(request.Field("attributes"));
        if (type is null)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError,
                $"attributes '{request.Field("attributes")}' name an unknown message type; use +message.type=NORMAL, FIFO, DELAY or TRANSACTION");
        }

        var topic = topics.CreateOrUpdate(new TopicConfig(name, Math.Max(read, write), type.Value, perm));
        LogTopicUpdated(topic.Name, topic.QueueCount, peer);
        return RemotingCommand.Response(request, ResponseCode.Success);
    }

    private RemotingCommand DeleteTopic(RemotingCommand request, string peer)
    {
        var name = Required(request, "topic");
        var deleted = topics.Delete(name);
        LogTopicDeleted(name, deleted, peer);
        return RemotingCommand.Response(request, ResponseCode.Success, deleted ? null : $"topic {name} did not exist on {identity.BrokerName}");
    }

    private TopicConfigSerializeWrapper AllTopics()
    {
        var wrapper = new TopicConfigSerializeWrapper { DataVersion = new DataVersion(time.GetUtcNow().ToUnixTimeMilliseconds(), 0) };
        foreach (var topic in topics.All)
        {
            wrapper.TopicConfigTable[topic.Name] = TopicConfigMapping.ToBody(topic);
        }

        return wrapper;
    }

    private KVTable RuntimeInfo()
    {
        var statistics = store.Statistics;
        var uptime = time.GetUtcNow() - _bootTime;
        var table = new KVTable();
        void Put(string key, object value) => table.Table[key] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;

        Put("brokerVersionDesc", VersionDescription);
        Put("brokerVersion", RemotingCommand.ProtocolVersion);
        Put("brokerName", identity.BrokerName);
        Put("brokerAddr", identity.RemotingAddress);
        Put("bootTimestamp", _bootTime.ToUnixTimeMilliseconds());
        Put("runtime", $"[ {uptime.Days} days, {uptime.Hours} hours, {uptime.Minutes} minutes, {uptime.Seconds} seconds ]");
        Put("putTps", tps.DescribePut());
        Put("getTransferedTps", tps.DescribeGot());
        Put("msgPutTotalTodayNow", statistics.MessagesPut);
        Put("msgPutTotalTodayMorning", 0);
        Put("msgPutTotalYesterdayMorning", 0);
        Put("msgGetTotalTodayNow", statistics.MessagesGot);
        Put("msgGetTotalTodayMorning", 0);
        Put("msgGetTotalYesterdayMorning", 0);
        Put("bytesPutTotal", statistics.BytesPut);
        Put("commitLogBytes", statistics.CommitLogBytes);
        Put("commitLogFlushedOffset", statistics.FlushedOffset);
        Put("topicCount", topics.All.Count);
        Put("sendThreadPoolQueueSize", store.QueuedSends);
        Put("sendThreadPoolQueueHeadWaitTimeMills", (long)store.SendQueueHeadWait.TotalMilliseconds);
        Put("pullThreadPoolQueueSize", 0);
        Put("pullThreadPoolQueueHeadWaitTimeMills", 0);
        Put("pageCacheLockTimeMills", 0);
        Put("flushDiskType", config.FlushDiskType == FlushDiskType.SyncFlush ? "SYNC_FLUSH" : "ASYNC_FLUSH");
        try
        {
            var drive = new DriveInfo(Path.GetFullPath(config.StorePathRootDir));
            var ratio = drive.TotalSize > 0 ? 1.0 - ((double)drive.AvailableFreeSpace / drive.TotalSize) : 0;
            Put("commitLogDiskRatio", ratio.ToString("0.####", CultureInfo.InvariantCulture));
            Put("commitLogDirCapacity", FormattableString.Invariant(
                $"Total : {drive.TotalSize / (1024.0 * 1024 * 1024):0.00} GiB, Free : {drive.AvailableFreeSpace / (1024.0 * 1024 * 1024):0.00} GiB."));
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // Disk figures are informative; the rest of the table still answers.
        }

        return table;
    }

    private RemotingCommand ConsumeStats(RemotingCommand request)
    {
        var group = Required(request, "consumerGroup");
        var onlyTopic = request.Field("topic");
        var body = new ConsumeStatsBody();
        var topicNames = string.IsNullOrEmpty(onlyTopic)
            ? topics.All.Select(t => t.Name).Where(t => pop.GroupsOf(t).Contains(group) || offsets.GroupsOf(t).Contains(group)).ToList()
            : [onlyTopic];
        foreach (var name in topicNames.Order(StringComparer.Ordinal))
        {
            if (!topics.TryGet(name, out var topic))
            {
                continue;
            }

            for (var queueId = 0; queueId < topic.QueueCount; queueId++)
            {
                var brokerOffset = store.GetMaxOffset(name, queueId);
                // A group that never consumed a queue starts at its oldest message, so that is its progress; a group that
                // pops has its POP progress, one that pulls the offset it committed.
                var consumerOffset = pop.GetConsumeOffset(group, name, queueId)
                    ?? offsets.Query(new ConsumerQueueKey(group, name, queueId))
                    ?? store.GetMinOffset(name, queueId);
                // POP hands messages out without a pull offset of its own; what was handed out and not acked counts as lag.
                body.OffsetTable.Add(new MessageQueueKey(identity.BrokerName, queueId, name),
                    new OffsetWrapper(brokerOffset, consumerOffset, StoreTimestampBefore(name, queueId, consumerOffset), consumerOffset));
            }
        }

        if (body.OffsetTable.Count == 0 && string.IsNullOrEmpty(onlyTopic))
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError,
                $"consumer group {group} has not consumed anything on {identity.BrokerName}");
        }

        return RemotingCommand.JsonResponse(request, body);
    }

    private RemotingCommand TopicStats(RemotingCommand request)
    {
        var name = Required(request, "topic");
        if (!topics.TryGet(name, out var topic))
        {
            return RemotingCommand.Response(request, ResponseCode.TopicNotExist, $"topic {name} does not exist on {identity.BrokerName}");
        }

        var body = new TopicStatsBody();
        for (var queueId = 0; queueId < topic.QueueCount; queueId++)
        {
            var maxOffset = store.GetMaxOffset(name, queueId);
            body.OffsetTable.Add(new MessageQueueKey(identity.BrokerName, queueId, name),
                new TopicOffset(StoreTimestampBefore(name, queueId, maxOffset), maxOffset, store.GetMinOffset(name, queueId)));
        }

        return RemotingCommand.JsonResponse(request, body);
    }

    /// <summary>When the message just before <paramref name="offset"/> was stored, as RocketMQ reports a queue's last write or a group's last consumption; 0 when there is none.</summary>
    private long StoreTimestampBefore(string topic, int queueId, long offset)
    {
        Span<ConsumeQueueEntry> entry = stackalloc ConsumeQueueEntry[1];
        return offset > store.GetMinOffset(topic, queueId) && store.ReadQueueEntries(topic, queueId, offset - 1, entry) == 1
            && store.ReadMessage(entry[0]) is { } message
            ? message.StoreTimestamp
            : 0;
    }

    /// <summary>The message at a commit-log offset, in RocketMQ's binary message form.</summary>
    private RemotingCommand ViewMessage(RemotingCommand request)
    {
        var offset = Number(request, "offset", 0, long.MaxValue, -1);
        return store.ReadMessage(offset) is { } message
            ? RemotingCommand.Response(request, ResponseCode.Success, body: MessageExtCodec.Encode(MessageExtMapping.ToMessageExt(message)))
            : RemotingCommand.Response(request, ResponseCode.SystemError,
                $"no message at commit-log offset {offset} on {identity.BrokerName} (deleted with its segment, or a wrong id)");
    }

    /// <summary>
    /// Finds messages whose id (UNIQ_KEY) or key equals <c>key</c>, stored within the request's time range, by scanning
    /// consume queues (the store keeps no key index); answers them one after another in RocketMQ's binary message form.
    /// </summary>
    private RemotingCommand QueryMessage(RemotingCommand request)
    {
        var key = Required(request, "key");
        var onlyTopic = request.Field("topic");
        var maxNum = (int)Number(request, "maxNum", 1, 1000, DefaultMaxMessages);
        var begin = Number(request, "beginTimestamp", 0, long.MaxValue, 0);
        var end = Number(request, "endTimestamp", 0, long.MaxValue, long.MaxValue);
        var found = new List<MessageExt>();
        Span<ConsumeQueueEntry> entries = new ConsumeQueueEntry[ScanBatch];
        foreach (var (topic, queueId) in store.KnownQueues)
        {
            if (!string.IsNullOrEmpty(onlyTopic) && topic != onlyTopic)
            {
                continue;
            }

            var max = store.GetMaxOffset(topic, queueId);
            for (var offset = store.GetMinOffset(topic, queueId); offset < max && found.Count < maxNum;)
            {
                var read = store.ReadQueueEntries(topic, queueId, offset, entries);
                if (read == 0)
                {
                    break;
                }

                for (var i = 0; i < read && found.Count < maxNum; i++)
                {
                    if (store.ReadMessage(entries[i]) is { } message && message.StoreTimestamp >= begin && message.StoreTimestamp <= end && Matches(message, key))
                    {
                        found.Add(MessageExtMapping.ToMessageExt(message));
                    }
                }

                offset += read;
            }
        }

        if (found.Count == 0)
        {
            return RemotingCommand.Response(request, ResponseCode.QueryNotFound, $"no message with id or key '{key}' on {identity.BrokerName}");
        }

        var response = RemotingCommand.Response(request, ResponseCode.Success, body: MessageExtCodec.EncodeAll(found));
        // RocketMQ's QueryMessageResponseHeader says how far its key index reached; the scan above read the store as it is now.
        response.ExtFields = new Dictionary<string, string>
        {
            ["indexLastUpdateTimestamp"] = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["indexLastUpdatePhyoffset"] = found.Max(m => m.CommitLogOffset).ToString(CultureInfo.InvariantCulture),
        };
        return response;
    }

    private static bool Matches(StoredMessage message, string key) =>
        message.Properties.TryGetValue(MessageProperties.MessageId, out var id) && id == key
        || message.Properties.TryGetValue(MessageProperties.Keys, out var keys)
            && keys.Split(MessageProperties.KeySeparator, StringSplitOptions.RemoveEmptyEntries).Contains(key);

    private static TopicMessageType? MessageTypeOf(string? attributes)
    {
        if (string.IsNullOrWhiteSpace(attributes))
        {
            return TopicMessageType.Normal;
        }

        // mqadmin sends attributes as "+message.type=FIFO" (several separated by ',').
        foreach (var attribute in attributes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = attribute.IndexOf('=');
            if (equals > 0 && attribute[..equals] == TopicConfigMapping.MessageTypeAttribute)
            {
                return TopicConfigMapping.ParseMessageType(attribute[(equals + 1)..]);
            }
        }

        return TopicMessageType.Normal;
    }

    private static string Required(RemotingCommand request, string field) =>
        request.Field(field) is { Length: > 0 } value
            ? value
            : throw new RemotingProtocolException($"request code {request.Code} needs the header field '{field}'");

    private static long Number(RemotingCommand request, string field, long min, long max, long fallback)
    {
        var value = request.Field(field);
        if (string.IsNullOrEmpty(value))
        {
            return fallback >= min ? fallback : throw new RemotingProtocolException($"request code {request.Code} needs the header field '{field}'");
        }

        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new RemotingProtocolException($"header field '{field}' of request code {request.Code} is '{value}'; expected a whole number from {min} to {max}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic} created or updated with {Queues} queues at the request of {Peer}")]
    private partial void LogTopicUpdated(string topic, int queues, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic} delete requested by {Peer} (existed: {Existed})")]
    private partial void LogTopicDeleted(string topic, bool existed, string peer);
}
