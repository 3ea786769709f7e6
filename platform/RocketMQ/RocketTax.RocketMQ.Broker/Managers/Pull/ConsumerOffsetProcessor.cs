using System.Globalization;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Managers.Pull;

/// <summary>
/// The offset requests of 4.x consumers on the remoting port (RocketMQ's <c>ConsumerManageProcessor</c> and the offset
/// queries of its <c>AdminBrokerProcessor</c>): <c>QUERY_CONSUMER_OFFSET</c>, <c>UPDATE_CONSUMER_OFFSET</c>,
/// <c>GET_MAX_OFFSET</c>, <c>GET_MIN_OFFSET</c>, <c>SEARCH_OFFSET_BY_TIMESTAMP</c> and <c>GET_CONSUMER_LIST_BY_GROUP</c>
/// (which consumers share a group's queues out by).
/// </summary>
/// <remarks>
/// A group with no committed offset on a queue is told 0 while the queue still holds its first message and the commit
/// log is small enough for RocketMQ to have it in memory (40% of the machine's memory, its
/// <c>accessMessageInMemoryMaxRatio</c>): a new queue is read from its start whatever the consumer's
/// <c>ConsumeFromWhere</c>, so nothing sent before the consumer came is skipped. Otherwise the answer is
/// <c>QUERY_NOT_FOUND</c> and the consumer picks its start itself (the queue's end for <c>CONSUME_FROM_LAST_OFFSET</c>,
/// its start for <c>CONSUME_FROM_FIRST_OFFSET</c>).
/// </remarks>
public sealed class ConsumerOffsetProcessor(
    ConsumerOffsetManager offsets, MessagePuller puller, IMessageStore store, TopicManager topics, ClientManager clients, BrokerIdentity identity)
    : IRemotingRequestProcessor
{
    private const long InMemoryPercent = 40;

    /// <summary>Commit-log bytes up to which a new group is started at a new queue's first message.</summary>
    public long InMemoryBytes { get; init; } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 100 * InMemoryPercent;

    public IReadOnlyCollection<int> RequestCodes { get; } =
    [
        RequestCode.QueryConsumerOffset, RequestCode.UpdateConsumerOffset, RequestCode.GetMaxOffset, RequestCode.GetMinOffset,
        RequestCode.SearchOffsetByTimestamp, RequestCode.GetConsumerListByGroup,
    ];

    public ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(request.Code switch
        {
            RequestCode.QueryConsumerOffset => QueryConsumerOffset(request),
            RequestCode.UpdateConsumerOffset => UpdateConsumerOffset(request),
            RequestCode.GetConsumerListByGroup => ConsumerList(request),
            _ => QueueOffset(request),
        });

    private RemotingCommand QueryConsumerOffset(RemotingCommand request)
    {
        var key = Key(request);
        if (offsets.Query(key) is { } committed)
        {
            return OffsetAnswer(request, committed);
        }

        var zeroIfNew = !string.Equals(request.Field("setZeroIfNotFound"), "false", StringComparison.OrdinalIgnoreCase);
        if (zeroIfNew && store.GetMinOffset(key.Topic, key.QueueId) <= 0 && store.Statistics.CommitLogBytes <= InMemoryBytes)
        {
            return OffsetAnswer(request, 0);
        }

        return RemotingCommand.Response(request, ResponseCode.QueryNotFound,
            $"consumer group {key.Group} has committed no offset on {key.Topic} queue {key.QueueId} of {identity.BrokerName}; it starts where its ConsumeFromWhere says");
    }

    private RemotingCommand UpdateConsumerOffset(RemotingCommand request)
    {
        offsets.Commit(Key(request), request.RequiredNumber("commitOffset", 0));
        return RemotingCommand.Response(request, ResponseCode.Success);
    }

    private RemotingCommand ConsumerList(RemotingCommand request)
    {
        var group = request.RequiredField("consumerGroup");
        var ids = clients.ConsumerIds(group);
        return ids.Count == 0
            ? RemotingCommand.Response(request, ResponseCode.SystemError, $"no consumer of group {group} is connected to {identity.BrokerName}")
            : RemotingCommand.JsonResponse(request, new ConsumerListBody { ConsumerIdList = [.. ids] });
    }

    /// <summary>GET_MAX_OFFSET, GET_MIN_OFFSET and SEARCH_OFFSET_BY_TIMESTAMP: a queue offset of a topic that exists.</summary>
    private RemotingCommand QueueOffset(RemotingCommand request)
    {
        var topic = request.RequiredField("topic");
        var queueId = (int)request.RequiredNumber("queueId", 0, int.MaxValue);
        if (!topics.TryGet(topic, out var config) || queueId >= config.QueueCount)
        {
            return RemotingCommand.Response(request, ResponseCode.TopicNotExist, $"topic '{topic}' has no queue {queueId} on {identity.BrokerName}");
        }

        return OffsetAnswer(request, request.Code switch
        {
            RequestCode.GetMaxOffset => store.GetMaxOffset(topic, queueId),
            RequestCode.GetMinOffset => store.GetMinOffset(topic, queueId),
            _ => puller.OffsetAt(topic, queueId, request.RequiredNumber("timestamp")),
        });
    }

    private static ConsumerQueueKey Key(RemotingCommand request) => new(
        request.RequiredField("consumerGroup"), request.RequiredField("topic"), (int)request.RequiredNumber("queueId", 0, int.MaxValue));

    private static RemotingCommand OffsetAnswer(RemotingCommand request, long offset)
    {
        var response = RemotingCommand.Response(request, ResponseCode.Success);
        response.ExtFields = new Dictionary<string, string>(1, StringComparer.Ordinal) { ["offset"] = offset.ToString(CultureInfo.InvariantCulture) };
        return response;
    }
}
