using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>
/// QueryAssignment: a push consumer pops from every queue of a broker, so one assignment per broker of the
/// cluster that holds the topic (queue id -1); this broker alone when it runs without name servers. An orderly
/// group on a FIFO topic gets one assignment per queue, so each queue is consumed in order.
/// </summary>
public sealed class QueryAssignmentHandler(
    TopicManager topics, MessageQueues queues, ClientManager clients, ClusterRouteService routes, SubscriptionGroupManager groups)
{
    public async Task<QueryAssignmentResponse> HandleAsync(QueryAssignmentRequest request, ClientMetadata metadata, CancellationToken cancellationToken)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Topic(request.Topic) ?? RequestGuard.Group(request.Group)) is { } invalid)
        {
            return new QueryAssignmentResponse { Status = invalid };
        }

        var name = request.Topic.Name;
        var route = routes.Enabled ? (await routes.GetRouteAsync(name, refresh: false, cancellationToken).ConfigureAwait(false)).Route : null;
        var known = topics.TryGet(name, out var topic);
        if (route is null && !known)
        {
            return new QueryAssignmentResponse { Status = RequestGuard.TopicNotFound(name) };
        }

        clients.Touch(metadata.ClientId!, ClientType.PushConsumer, request.Group.Name, metadata.Language);
        var type = known ? topic.MessageType : TopicMessageType.Normal;
        var self = queues.Self(request.Endpoints);
        var brokers = route is null ? [self] : queues.ClusterBrokers(route, request.Endpoints).ToList();
        if (known && brokers.All(b => b.Name != self.Name))
        {
            // Created here a moment ago and not registered yet: this broker serves it all the same.
            brokers.Add(self);
        }

        var response = new QueryAssignmentResponse { Status = Statuses.Ok() };
        if (type == TopicMessageType.Fifo && groups.IsOrderly(request.Group.Name))
        {
            var perQueue = route is null
                ? Enumerable.Range(0, topic.QueueCount).Select(id => MessageQueues.Queue(topic, id, self)).ToList()
                : queues.ClusterQueues(name, route, type, request.Endpoints).ToList();
            if (known && perQueue.All(q => q.Broker.Name != self.Name))
            {
                perQueue.AddRange(Enumerable.Range(0, topic.QueueCount).Select(id => MessageQueues.Queue(topic, id, self)));
            }

            response.Assignments.AddRange(perQueue.Select(q => new Assignment { MessageQueue = q }));
            return response;
        }

        foreach (var broker in brokers)
        {
            response.Assignments.Add(new Assignment
            {
                MessageQueue = MessageQueues.Queue(name, -1, broker, Permission.ReadWrite, type),
            });
        }

        return response;
    }
}
