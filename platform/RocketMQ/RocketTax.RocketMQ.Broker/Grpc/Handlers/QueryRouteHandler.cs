using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>
/// QueryRoute: every queue of the topic on every master of the cluster, each with the gRPC endpoint of the
/// broker that holds it; while no name server answers, the last route one gave. Without name servers (or
/// before any answered about the topic), this broker's own queues.
/// </summary>
public sealed class QueryRouteHandler(TopicManager topics, MessageQueues queues, ClusterRouteService routes, ClusterTopicCreator creator)
{
    public async Task<QueryRouteResponse> HandleAsync(QueryRouteRequest request, ClientMetadata metadata, CancellationToken cancellationToken)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Topic(request.Topic)) is { } invalid)
        {
            return new QueryRouteResponse { Status = invalid };
        }

        var name = request.Topic.Name;
        if (routes.Enabled)
        {
            var lookup = await routes.GetRouteAsync(name, refresh: false, cancellationToken).ConfigureAwait(false);
            if (lookup.Outcome == RouteLookupOutcome.TopicNotExist && !topics.TryGet(name, out _)
                && await creator.CreateEverywhereAsync(name, cancellationToken).ConfigureAwait(false) is not null)
            {
                lookup = await routes.GetRouteAsync(name, refresh: true, cancellationToken).ConfigureAwait(false);
            }

            if (lookup.Route is { } route)
            {
                return Answer(name, WithSelf(name, route), request.Endpoints);
            }

            if (lookup.Outcome == RouteLookupOutcome.TopicNotExist && !topics.TryGet(name, out _))
            {
                return new QueryRouteResponse { Status = RequestGuard.TopicNotFound(name) };
            }
        }

        var topic = topics.GetOrAutoCreate(name);
        if (topic is null)
        {
            return new QueryRouteResponse { Status = RequestGuard.TopicNotFound(name) };
        }

        var broker = queues.Self(request.Endpoints);
        var response = new QueryRouteResponse { Status = Statuses.Ok() };
        for (var queueId = 0; queueId < topic.QueueCount; queueId++)
        {
            response.MessageQueues.Add(MessageQueues.Queue(topic, queueId, broker));
        }

        return response;
    }

    /// <summary>A topic created here a moment ago may not be registered yet: this broker's queues are added to the route.</summary>
    private TopicRouteData WithSelf(string name, TopicRouteData route)
    {
        var self = queues.Self(null).Name;
        if (!topics.TryGet(name, out var topic) || route.QueueDatas.Any(q => q.BrokerName == self))
        {
            return route;
        }

        return route with { QueueDatas = [.. route.QueueDatas, new QueueData(self, topic.QueueCount, topic.QueueCount, topic.Perm)] };
    }

    private QueryRouteResponse Answer(string name, TopicRouteData route, Endpoints? dialled)
    {
        var type = topics.TryGet(name, out var local) ? local.MessageType : TopicMessageType.Normal;
        var response = new QueryRouteResponse { Status = Statuses.Ok() };
        response.MessageQueues.AddRange(queues.ClusterQueues(name, route, type, dialled));
        return response;
    }
}
