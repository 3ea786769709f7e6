using System.Globalization;
using System.IO.Compression;
using System.Net;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Timer;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// Sends over remoting: <c>SEND_MESSAGE</c> (how operator tools resend a dead-lettered message),
/// <c>SEND_MESSAGE_V2</c> and <c>SEND_BATCH_MESSAGE</c> (how 4.x producers send). The messages go to the same store,
/// under the same flow control, as gRPC sends: a send refused for waiting too long is answered <c>SYSTEM_BUSY</c>.
/// A zlib-compressed body is stored inflated; a <c>DELAY</c> level or <c>TIMER_DELIVER_MS</c> goes to the timer. A send to
/// a group's <c>%RETRY%</c> topic past the group's retries (<c>reconsumeTimes</c> against <c>maxReconsumeTimes</c>) goes to its <c>%DLQ%</c> topic.
/// Half (transactional) messages are refused: their check-back needs the gRPC telemetry stream.
/// </summary>
public sealed partial class SendMessageProcessor(
    TopicManager topics, ConsumerRetries retries, IMessageStore store, TimerMessageService timer, BrokerConfig config, BrokerIdentity identity,
    TimeProvider time, BrokerMetrics metrics, ILogger<SendMessageProcessor> logger)
    : IRemotingRequestProcessor
{
    // Parsed once: every answer carries offset ids made from it.
    private readonly IPEndPoint? _storeHost = IPEndPoint.TryParse(identity.RemotingAddress, out var host) ? host : null;
    private int _nextQueue;

    public IReadOnlyCollection<int> RequestCodes { get; } = [RequestCode.SendMessage, RequestCode.SendMessageV2, RequestCode.SendBatchMessage];

    /// <remarks>One async method with one await, so a send that waits for the store allocates one continuation.</remarks>
    public async ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken)
    {
        var started = metrics.StartTimer();
        var header = SendMessageHeader.Read(request);
        var answer = Prepare(request, header, peer, out var send);
        if (answer is null)
        {
            try
            {
                // Not cancelled by the server's stop: the store answers every put it queued, even while closing, and a
                // cancellable wait would cost each send a registration and one more thread-pool hop.
                var results = send.Due is { } at
                    ? await timer.ScheduleAsync(send.Records, [at], CancellationToken.None).ConfigureAwait(false)
                    : await store.PutSendAsync(send.Records, CancellationToken.None).ConfigureAwait(false);
                answer = Stored(request, send, results, peer);
            }
            catch (StoreBusyException ex)
            {
                answer = Refuse(request, ResponseCode.SystemBusy, $"{identity.BrokerName}: {ex.Message}");
            }
            catch (ArgumentException ex)
            {
                // The store refuses what it cannot encode (a body over maxMessageSize, say) before writing anything.
                answer = Refuse(request, ResponseCode.MessageIllegal, ex.Message);
            }
        }

        var stored = answer.Code == ResponseCode.Success;
        metrics.RecordSend(header.Topic, stored ? send.Records.Length : 0, metrics.CountsBytes ? request.Body?.Length ?? 0 : 0, started,
            stored ? null : answer.Code.ToString(CultureInfo.InvariantCulture));
        return answer;
    }

    /// <summary>The records of a send and where they go, or (returned) the refusal of a send that cannot be stored.</summary>
    private RemotingCommand? Prepare(RemotingCommand request, SendMessageHeader header, string peer, out PreparedSend send)
    {
        send = default;
        if (ResourceNames.ValidateTopic(header.Topic) is { } invalid)
        {
            return Refuse(request, ResponseCode.MessageIllegal, invalid);
        }

        // A 4.x consumer whose send-back failed sends the message to its group's retry topic itself: the topic is made
        // for it, and a message whose retries are used up goes to the group's dead-letter topic, undelayed.
        var retryGroup = ResourceNames.RetryGroup(header.Topic);
        if (retryGroup is not null && ResourceNames.ValidateGroup(retryGroup) is { } badGroup)
        {
            return Refuse(request, ResponseCode.MessageIllegal, badGroup);
        }

        var deadLetter = retryGroup is not null && retries.AreUsedUp(retryGroup, header.ReconsumeTimes, header.MaxReconsumeTimes);
        var topic = retryGroup is null ? topics.GetOrAutoCreate(header.Topic!)
            : deadLetter ? retries.DeadLetterTopic(retryGroup) : retries.RetryTopic(retryGroup);
        if (topic is null)
        {
            return Refuse(request, ResponseCode.TopicNotExist,
                $"topic '{header.Topic}' does not exist on {identity.BrokerName} (create it with 'mqadmin updateTopic -c <cluster> -t {header.Topic}')");
        }

        if ((header.SysFlag & MessageSysFlag.TransactionTypeMask) == MessageSysFlag.TransactionPrepared)
        {
            return Refuse(request, ResponseCode.MessageIllegal,
                $"{identity.BrokerName} takes transactional (half) messages over gRPC only, where it can check their state back; send them with a RocketMQ 5 client");
        }

        if (request.Body is not { Length: > 0 } body)
        {
            return Refuse(request, ResponseCode.MessageIllegal, "the message body is empty");
        }

        var queueId = header.QueueId >= 0 && header.QueueId < topic.QueueCount
            ? header.QueueId
            : (int)((uint)Interlocked.Increment(ref _nextQueue) % (uint)topic.QueueCount);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        MessageRecord[] records;
        try
        {
            records = request.Code == RequestCode.SendBatchMessage
                ? BatchRecords(topic.Name, queueId, header, body, peer, now, deadLetter)
                : [Record(topic.Name, queueId, header, header.Flag, Inflated(body, header.SysFlag), header.Properties, peer, now, deadLetter)];
        }
        catch (Exception ex) when (ex is RemotingProtocolException or InvalidDataException)
        {
            return Refuse(request, ResponseCode.MessageIllegal, ex.Message);
        }

        var due = DueMillis(records[0], now);
        if (records.Length > 1 && AnyDelayed(records, now))
        {
            return Refuse(request, ResponseCode.MessageIllegal,
                "a batch cannot carry delayed messages (DELAY or TIMER_DELIVER_MS), as RocketMQ refuses them; send each delayed message on its own");
        }

        send = new PreparedSend(topic.Name, queueId, records, due);
        return null;
    }

    private RemotingCommand Stored(RemotingCommand request, PreparedSend send, IReadOnlyList<PutResult> results, string peer)
    {
        LogStored(send.Records.Length, send.Topic, send.QueueId, results[0].QueueOffset, peer);
        var response = RemotingCommand.Response(request, ResponseCode.Success);
        response.ExtFields = new Dictionary<string, string>(3, StringComparer.Ordinal)
        {
            // The offset ids, as a 4.x producer reads them into SendResult.offsetMsgId; its own ids travel in UNIQ_KEY.
            ["msgId"] = results.Count == 1 ? OffsetId(results[0]) : string.Join(',', results.Select(OffsetId)),
            ["queueId"] = send.QueueId.ToString(CultureInfo.InvariantCulture),
            ["queueOffset"] = results[0].QueueOffset.ToString(CultureInfo.InvariantCulture),
        };
        return response;
    }

    private string OffsetId(PutResult result) =>
        _storeHost is null ? string.Empty : MessageIds.OffsetMessageId(_storeHost, result.CommitLogOffset);

    // Its own method: the lambda's closure would otherwise be allocated for every single send too.
    private MessageRecord[] BatchRecords(string topic, int queueId, SendMessageHeader header, byte[] body, string peer, long now, bool deadLetter) =>
        [.. MessageBatchCodec.Decode(body).Select(message => Record(topic, queueId, header, message.Flag, message.Body, message.Properties, peer, now, deadLetter))];

    private MessageRecord Record(
        string topic, int queueId, SendMessageHeader header, int flag, ReadOnlyMemory<byte> body, string? propertiesText, string peer, long now, bool deadLetter)
    {
        var properties = MessagePropertiesCodec.Decode(propertiesText);
        if (deadLetter)
        {
            MessageProperties.RemoveDelay(properties);
        }
        else if (properties.TryGetValue(MessageProperties.DelayLevel, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) && level > 0)
        {
            // The timer and gRPC consumers know a delayed message by its due time.
            var delay = config.DelayOfLevel(level);
            properties[MessageProperties.DeliveryTimestamp] = (now + (long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        return new MessageRecord(topic, queueId, properties.GetValueOrDefault(MessageProperties.Tags), properties, body,
            header.BornTimestamp, peer, header.ReconsumeTimes, flag);
    }

    /// <summary>
    /// 4.x producers compress bodies over 4 KiB with zlib; consumers of this broker expect them as sent. Inflating
    /// stops past <c>maxMessageSize</c>, so a small body that would inflate to gigabytes is refused, not inflated.
    /// </summary>
    private byte[] Inflated(byte[] body, int sysFlag)
    {
        if ((sysFlag & MessageSysFlag.Compressed) == 0)
        {
            return body;
        }

        if (!MessageSysFlag.IsZlib(sysFlag))
        {
            throw new InvalidDataException("the body is compressed with LZ4 or zstd; this broker inflates zlib only (the 4.x producer's default)");
        }

        using var inflater = new ZLibStream(new MemoryStream(body), CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        var buffer = new byte[81_920];
        int read;
        while ((read = Inflate(inflater, buffer)) > 0)
        {
            if (inflated.Length + read > config.MaxMessageSize)
            {
                throw new InvalidDataException(
                    $"the body inflates to more than maxMessageSize ({config.MaxMessageSize} bytes); send a smaller body or raise maxMessageSize in the broker config");
            }

            inflated.Write(buffer, 0, read);
        }

        return inflated.ToArray();
    }

    private static int Inflate(ZLibStream inflater, byte[] buffer)
    {
        try
        {
            return inflater.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"the body is flagged compressed (sysFlag bit 0) but is not valid zlib: {ex.Message}", ex);
        }
    }

    /// <summary>When a message is due, from its <c>TIMER_DELIVER_MS</c> (which <see cref="Record"/> sets for a <c>DELAY</c> level); null for now.</summary>
    private static long? DueMillis(MessageRecord record, long now) =>
        record.Properties.TryGetValue(MessageProperties.DeliveryTimestamp, out var at)
        && long.TryParse(at, NumberStyles.Integer, CultureInfo.InvariantCulture, out var due) && due > now
            ? due
            : null;

    // A loop, not a lambda over now: capturing it would allocate a closure for every send, batch or not.
    private static bool AnyDelayed(MessageRecord[] records, long now)
    {
        foreach (var record in records)
        {
            if (DueMillis(record, now) is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static RemotingCommand Refuse(RemotingCommand request, int code, string remark) => RemotingCommand.Response(request, code, remark);

    /// <summary>A send's records, the topic and queue they go to, and when they are due if delayed (null: now).</summary>
    private readonly record struct PreparedSend(string Topic, int QueueId, MessageRecord[] Records, long? Due);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {Count} message(s) sent over remoting to {Topic} queue {QueueId} from offset {Offset}, from {Peer}")]
    private partial void LogStored(int count, string topic, int queueId, long offset, string peer);
}
