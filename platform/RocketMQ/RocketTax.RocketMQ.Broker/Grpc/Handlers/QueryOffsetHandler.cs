using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Pull;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>QueryOffset: where a queue begins, ends, or was at a time (the first message stored at or after it).</summary>
public sealed class QueryOffsetHandler(TopicManager topics, IMessageStore store, MessagePuller puller)
{
    public QueryOffsetResponse Handle(QueryOffsetRequest request, ClientMetadata metadata)
    {
        if (OffsetRequestGuard.CheckQueue(topics, metadata, request.MessageQueue) is { } invalid)
        {
            return new QueryOffsetResponse { Status = invalid };
        }

        var (topic, queueId) = (request.MessageQueue.Topic.Name, request.MessageQueue.Id);
        long? offset = request.QueryOffsetPolicy switch
        {
            QueryOffsetPolicy.Beginning => store.GetMinOffset(topic, queueId),
            QueryOffsetPolicy.End => store.GetMaxOffset(topic, queueId),
            QueryOffsetPolicy.Timestamp when request.Timestamp is { } at => puller.OffsetAt(topic, queueId, at.ToDateTimeOffset().ToUnixTimeMilliseconds()),
            _ => null,
        };
        return offset is { } found
            ? new QueryOffsetResponse { Status = Statuses.Ok(), Offset = found }
            : new QueryOffsetResponse { Status = Statuses.Of(Code.BadRequest, "a TIMESTAMP query needs its timestamp") };
    }
}
