using System.Globalization;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers.Filtering;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Managers.Pull;

/// <summary>
/// <c>PULL_MESSAGE</c> on the remoting port, how 4.x push and pull consumers read (RocketMQ's <c>PullMessageProcessor</c>):
/// messages of one queue from an offset, filtered by the request's expression or, without one, by the subscription of the
/// group's heartbeat; answered <c>SUCCESS</c> with the messages in RocketMQ's binary form, <c>PULL_NOT_FOUND</c> at the
/// queue's end (after waiting up to <c>suspendTimeoutMillis</c> when the request may be suspended),
/// <c>PULL_RETRY_IMMEDIATELY</c> when the filter let nothing through, <c>PULL_OFFSET_MOVED</c> outside the queue; each
/// answer says the next offset and the queue's bounds. A commit-offset flag stores the consumer's offset first.
/// </summary>
public sealed partial class PullMessageProcessor(
    MessagePuller puller,
    MessageFilterCache filters,
    TopicManager topics,
    SubscriptionGroupManager groups,
    ConsumerRetries retries,
    ClientManager clients,
    ConsumerOffsetManager offsets,
    BrokerIdentity identity,
    BrokerMetrics metrics,
    ILogger<PullMessageProcessor> logger) : IRemotingRequestProcessor
{
    /// <summary>Longest a pull is held, whatever it asks: past it a consumer hears <c>PULL_NOT_FOUND</c> and pulls again.</summary>
    public static readonly TimeSpan MaxSuspend = TimeSpan.FromSeconds(30);

    public IReadOnlyCollection<int> RequestCodes { get; } = [RequestCode.PullMessage];

    public async ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken)
    {
        var header = PullMessageHeader.Read(request);
        if (Refusal(request, header, out var filter) is { } refusal)
        {
            return refusal;
        }

        if (header.HasCommitOffset)
        {
            offsets.Commit(new ConsumerQueueKey(header.ConsumerGroup, header.Topic, header.QueueId), header.CommitOffset);
        }

        var wait = header.MaySuspend ? TimeSpan.FromMilliseconds(Math.Min(header.SuspendTimeoutMillis, MaxSuspend.TotalMilliseconds)) : TimeSpan.Zero;
        var result = await puller.PullAsync(header.ConsumerGroup, header.Topic, header.QueueId, header.QueueOffset, header.MaxMsgNums, filter, wait, cancellationToken)
            .ConfigureAwait(false);
        LogPulled(header.ConsumerGroup, header.Topic, header.QueueId, header.QueueOffset, result.Status, result.Messages.Count, peer);
        return Answer(request, header, result);
    }

    /// <summary>The answer refusing the pull, or null with the filter to pull with.</summary>
    private RemotingCommand? Refusal(RemotingCommand request, PullMessageHeader header, out IMessageFilter filter)
    {
        filter = TagFilter.All;
        if (ResourceNames.ValidateGroup(header.ConsumerGroup) is { } badGroup)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError, badGroup);
        }

        if (!groups.Get(header.ConsumerGroup).ConsumeEnable)
        {
            return RemotingCommand.Response(request, ResponseCode.NoPermission,
                $"consumer group {header.ConsumerGroup} may not consume on {identity.BrokerName}: it was set consumeEnable=false (mqadmin updateSubGroup)");
        }

        // A 4.x push consumer pulls its group's retry topic from its start, before anything was sent back to it: created
        // then, with the queues the group's retryQueueNums asks for, as a send-back would create it.
        var topic = ResourceNames.RetryGroup(header.Topic) is { Length: > 0 } retryGroup
            ? retries.RetryTopic(retryGroup)
            : topics.TryGet(header.Topic, out var existing) ? existing : null;
        if (topic is null)
        {
            return RemotingCommand.Response(request, ResponseCode.TopicNotExist,
                $"topic '{header.Topic}' does not exist on {identity.BrokerName} (create it with 'mqadmin updateTopic -c <cluster> -t {header.Topic}')");
        }

        if (header.QueueId >= topic.QueueCount)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError,
                $"queue {header.QueueId} of topic '{header.Topic}' does not exist on {identity.BrokerName}: it has {topic.QueueCount} queue(s)");
        }

        string? expression, type;
        if (header.HasSubscription)
        {
            (expression, type) = (header.Subscription, header.ExpressionType);
        }
        else if (clients.Subscription(header.ConsumerGroup, header.Topic) is { } subscription)
        {
            (expression, type) = (subscription.SubString, subscription.ExpressionType);
        }
        else
        {
            return RemotingCommand.Response(request, ResponseCode.SubscriptionNotExist,
                $"consumer group {header.ConsumerGroup} has sent no heartbeat subscribing to '{header.Topic}' and the pull names no expression; send a heartbeat first");
        }

        return TryParseFilter(expression, type, out filter, out var error)
            ? null
            : RemotingCommand.Response(request, ResponseCode.SubscriptionParseFailed, error);
    }

    private bool TryParseFilter(string? expression, string? type, out IMessageFilter filter, out string? error)
    {
        if (type is not (null or "" or "TAG" or "SQL92"))
        {
            filter = TagFilter.All;
            error = $"expression type '{type}' is unknown: use TAG or SQL92";
            return false;
        }

        return filters.TryParse(expression, type == "SQL92", out filter, out error);
    }

    private RemotingCommand Answer(RemotingCommand request, PullMessageHeader header, PullResult result)
    {
        var (code, body) = result.Status switch
        {
            PullStatus.Found => (ResponseCode.Success, MessageExtCodec.EncodeAll(result.Messages.Select(MessageExtMapping.ToMessageExt))),
            PullStatus.NoMatchedMessage => (ResponseCode.PullRetryImmediately, null),
            PullStatus.OffsetMoved => (ResponseCode.PullOffsetMoved, null),
            _ => (ResponseCode.PullNotFound, null),
        };
        if (result.Status == PullStatus.Found)
        {
            metrics.RecordDelivered(header.Topic, header.ConsumerGroup, result.Messages.Count);
        }

        var response = RemotingCommand.Response(request, code, body: body);
        response.ExtFields = new Dictionary<string, string>(4, StringComparer.Ordinal)
        {
            ["nextBeginOffset"] = result.NextBeginOffset.ToString(CultureInfo.InvariantCulture),
            ["minOffset"] = result.MinOffset.ToString(CultureInfo.InvariantCulture),
            ["maxOffset"] = result.MaxOffset.ToString(CultureInfo.InvariantCulture),
            // Read from the master: this broker has no slaves.
            ["suggestWhichBrokerId"] = "0",
        };
        return response;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pull of group {Group} on {Topic} queue {QueueId} from offset {Offset}: {Status}, {Count} message(s), from {Peer}")]
    private partial void LogPulled(string group, string topic, int queueId, long offset, PullStatus status, int count, string peer);
}
