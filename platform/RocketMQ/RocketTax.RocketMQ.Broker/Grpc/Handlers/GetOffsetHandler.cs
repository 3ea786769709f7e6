using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>GetOffset: the offset a group committed on a queue; OFFSET_NOT_FOUND when it never committed one there.</summary>
public sealed class GetOffsetHandler(TopicManager topics, ConsumerOffsetManager offsets)
{
    public GetOffsetResponse Handle(GetOffsetRequest request, ClientMetadata metadata)
    {
        if (OffsetRequestGuard.Check(topics, metadata, request.Group, request.MessageQueue) is { } invalid)
        {
            return new GetOffsetResponse { Status = invalid };
        }

        var key = new ConsumerQueueKey(request.Group.Name, request.MessageQueue.Topic.Name, request.MessageQueue.Id);
        return offsets.Query(key) is { } offset
            ? new GetOffsetResponse { Status = Statuses.Ok(), Offset = offset }
            : new GetOffsetResponse
            {
                Status = Statuses.Of(Code.OffsetNotFound,
                    $"group '{key.Group}' has committed no offset on {key.Topic} queue {key.QueueId}; start with QueryOffset (BEGINNING, END or TIMESTAMP)"),
            };
    }
}
