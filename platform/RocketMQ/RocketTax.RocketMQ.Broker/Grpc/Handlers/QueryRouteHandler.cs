using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>QueryRoute: every queue of the topic, each with the gRPC endpoint of the broker that holds it.</summary>
public sealed class QueryRouteHandler(TopicManager topics, MessageQueues queues)
{
    public QueryRouteResponse Handle(QueryRouteRequest request, ClientMetadata metadata)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Topic(request.Topic)) is { } invalid)
        {
            return new QueryRouteResponse { Status = invalid };
        }

        var topic = topics.GetOrAutoCreate(request.Topic.Name);
        if (topic is null)
        {
            return new QueryRouteResponse { Status = RequestGuard.TopicNotFound(request.Topic.Name) };
        }

        var broker = queues.Self(request.Endpoints);
        var response = new QueryRouteResponse { Status = Statuses.Ok() };
        for (var queueId = 0; queueId < topic.QueueCount; queueId++)
        {
            response.MessageQueues.Add(MessageQueues.Queue(topic, queueId, broker));
        }

        return response;
    }
}
