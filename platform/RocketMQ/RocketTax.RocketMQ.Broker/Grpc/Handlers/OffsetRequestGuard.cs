using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>What the offset and pull RPCs check alike: a client id, a valid group, an existing topic and queue.</summary>
public static class OffsetRequestGuard
{
    /// <summary>The status refusing a request of <paramref name="group"/> on <paramref name="queue"/>, or null when both are fine.</summary>
    public static Status? Check(TopicManager topics, ClientMetadata metadata, Resource? group, MessageQueue? queue) =>
        RequestGuard.Group(group) ?? CheckQueue(topics, metadata, queue);

    /// <summary>The status refusing a request on <paramref name="queue"/>, or null when the queue exists.</summary>
    public static Status? CheckQueue(TopicManager topics, ClientMetadata metadata, MessageQueue? queue)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Topic(queue?.Topic)) is { } invalid)
        {
            return invalid;
        }

        var topic = queue!.Topic.Name;
        if (!topics.TryGet(topic, out var config))
        {
            return RequestGuard.TopicNotFound(topic);
        }

        return queue.Id < 0 || queue.Id >= config.QueueCount
            ? Statuses.Of(Code.BadRequest, $"topic '{topic}' has no queue {queue.Id}: it has {config.QueueCount} queue(s), 0 to {config.QueueCount - 1}")
            : null;
    }
}
