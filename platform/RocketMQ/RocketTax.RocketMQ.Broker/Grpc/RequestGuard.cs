using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>Checks shared by the handlers; each returns the status to answer with, or null when the input is fine.</summary>
public static class RequestGuard
{
    public static Status? ClientId(ClientMetadata metadata) => metadata.ClientId is null
        ? Statuses.Of(Code.ClientIdRequired, "the x-mq-client-id header is missing: every request must name its client")
        : null;

    public static Status? Topic(Resource? topic) =>
        ResourceNames.ValidateTopic(topic?.Name) is { } error ? Statuses.Of(Code.IllegalTopic, error) : null;

    public static Status? Group(Resource? group) =>
        ResourceNames.ValidateGroup(group?.Name) is { } error ? Statuses.Of(Code.IllegalConsumerGroup, error) : null;

    public static Status TopicNotFound(string topic) => Statuses.Of(
        Code.TopicNotFound,
        $"topic '{topic}' does not exist (create it with 'mqadmin updateTopic -t {topic}' or set autoCreateTopicEnable=true)");
}
