using Apache.Rocketmq.V2;
using Google.Protobuf.WellKnownTypes;

namespace RocketTax.RocketMQ.Broker.Tests.Transport;

/// <summary>A ReceiveMessage that waits: what the transport tests hold open while they cancel, time out or stop the broker.</summary>
internal static class LongPoll
{
    public static ReceiveMessageRequest Request(string topic, string group, TimeSpan longPolling) => new()
    {
        Group = new Resource { Name = group },
        MessageQueue = new MessageQueue { Topic = new Resource { Name = topic }, Id = -1 },
        FilterExpression = new FilterExpression { Type = FilterType.Tag, Expression = "*" },
        BatchSize = 1,
        InvisibleDuration = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
        LongPollingTimeout = Duration.FromTimeSpan(longPolling),
    };
}
