using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>QueryAssignment: a push consumer pops from every queue of a broker, so one assignment per broker, queue id -1.</summary>
public sealed class QueryAssignmentHandler(TopicManager topics, MessageQueues queues, ClientManager clients)
{
    public QueryAssignmentResponse Handle(QueryAssignmentRequest request, ClientMetadata metadata)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Topic(request.Topic) ?? RequestGuard.Group(request.Group)) is { } invalid)
        {
            return new QueryAssignmentResponse { Status = invalid };
        }

        if (!topics.TryGet(request.Topic.Name, out var topic))
        {
            return new QueryAssignmentResponse { Status = RequestGuard.TopicNotFound(request.Topic.Name) };
        }

        clients.Touch(metadata.ClientId!, ClientType.PushConsumer, request.Group.Name, metadata.Language);
        return new QueryAssignmentResponse
        {
            Status = Statuses.Ok(),
            Assignments = { new Assignment { MessageQueue = MessageQueues.Queue(topic, -1, queues.Self(request.Endpoints)) } },
        };
    }
}
