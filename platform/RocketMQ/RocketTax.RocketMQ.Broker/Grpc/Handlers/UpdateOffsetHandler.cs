using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>UpdateOffset: a 5.x pull consumer commits its offset on a queue, into the same store 4.x consumers commit to.</summary>
public sealed class UpdateOffsetHandler(TopicManager topics, ConsumerOffsetManager offsets)
{
    public UpdateOffsetResponse Handle(UpdateOffsetRequest request, ClientMetadata metadata)
    {
        if (OffsetRequestGuard.Check(topics, metadata, request.Group, request.MessageQueue) is { } invalid)
        {
            return new UpdateOffsetResponse { Status = invalid };
        }

        if (request.Offset < 0)
        {
            return new UpdateOffsetResponse { Status = Statuses.Of(Code.IllegalOffset, $"offset {request.Offset} is negative") };
        }

        offsets.Commit(new ConsumerQueueKey(request.Group.Name, request.MessageQueue.Topic.Name, request.MessageQueue.Id), request.Offset);
        return new UpdateOffsetResponse { Status = Statuses.Ok() };
    }
}
