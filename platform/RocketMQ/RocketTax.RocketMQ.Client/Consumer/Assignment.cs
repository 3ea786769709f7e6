using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>A queue (or, with queue id -1, a whole broker) of a topic the push consumer receives from.</summary>
internal sealed record Assignment(string Topic, RouteQueue Queue, FilterExpression Filter)
{
    public string Key => $"{Topic}@{Queue.BrokerName}@{Queue.QueueId}";
}
