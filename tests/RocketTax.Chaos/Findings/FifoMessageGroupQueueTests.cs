using RocketTax.Chaos.Harness;

namespace RocketTax.Chaos.Findings;

/// <summary>
/// Found by the kill harness's FIFO checker: the producer sent messages of one message group round-robin over
/// the queues of both brokers, so a group's messages were split between broker-a and broker-b and a consumer
/// saw them out of order. Every message of a group must go to one queue, the same one from every producer.
/// </summary>
public sealed class FifoMessageGroupQueueTests(ChaosClusterFixture cluster) : IClassFixture<ChaosClusterFixture>
{
    private const string Topic = "chaos-fifo-group-topic";

    [Fact(Timeout = 120_000)]
    public async Task Every_message_of_a_group_goes_to_one_queue_chosen_alike_by_every_producer()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.CreateAsync(new TrafficStream(Topic, "chaos-fifo-group-consumers", Fifo: true), ct);

        var first = await MessageGroupQueues.ProbeAsync(cluster.Endpoints, Topic, ct);
        var second = await MessageGroupQueues.ProbeAsync(cluster.Endpoints, Topic, ct);

        Assert.All(first, group => Assert.Single(group.Value));
        Assert.Equal(first.ToDictionary(g => g.Key, g => g.Value.Single()), second.ToDictionary(g => g.Key, g => g.Value.Single()));
        Assert.True(first.Values.Select(q => q.Single()).Distinct().Count() > 1, "Five groups all hashed to one queue: the spread is broken.");
    }
}
