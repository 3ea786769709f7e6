using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;

namespace RocketTax.RocketMQ.Broker.Tests.PullConsumers;

/// <summary>A 5.x pull consumer against a broker process: its offset and pull RPCs are served, not NOT_IMPLEMENTED.</summary>
public sealed class GrpcPullConsumerTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_pull_consumer_pulls_a_queue_by_offset_and_keeps_its_offset_on_the_broker()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        const int queueId = 1;
        var sent = await client.SendAsync(Ct, ToQueue(queueId, "report 1"), ToQueue(queueId, "report 2"));
        Assert.Equal(Code.Ok, sent.Status.Code);

        var (status, messages, next) = await client.PullAsync("grpc-pull-group", "grpc-pull-topic", queueId, 0, Ct);
        var updated = await client.UpdateOffsetAsync("grpc-pull-group", "grpc-pull-topic", queueId, next, Ct);
        var read = await client.GetOffsetAsync("grpc-pull-group", "grpc-pull-topic", queueId, Ct);

        Assert.Equal(Code.Ok, status.Code);
        Assert.Equal(["report 1", "report 2"], messages.Select(m => m.Body.ToStringUtf8()));
        Assert.Equal(2, next);
        Assert.Equal(Code.Ok, updated.Status.Code);
        Assert.Equal((Code.Ok, 2L), (read.Status.Code, read.Offset));
    }

    private static Message ToQueue(int queueId, string body)
    {
        var message = RawBrokerClient.NewMessage("grpc-pull-topic", body);
        message.SystemProperties.QueueId = queueId;
        return message;
    }
}
