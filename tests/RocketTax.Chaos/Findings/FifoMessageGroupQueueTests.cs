using System.Globalization;
using RocketTax.Chaos.Harness;
using RocketTax.RocketMQ.Client;

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

        var first = await QueuesOfGroupsAsync(cluster.Endpoints, ct);
        var second = await QueuesOfGroupsAsync(cluster.Endpoints, ct);

        Assert.All(first, group => Assert.Single(group.Value));
        Assert.Equal(first.ToDictionary(g => g.Key, g => g.Value.Single()), second.ToDictionary(g => g.Key, g => g.Value.Single()));
        Assert.True(first.Values.Select(q => q.Single()).Distinct().Count() > 1, "Five groups all hashed to one queue: the spread is broken.");
    }

    /// <summary>Sends 5 messages in each of 5 groups (5 is prime to the 8 queues, so round-robin cannot fake the result) with a fresh producer; the queues (broker/queue id) each group landed on.</summary>
    private static async Task<Dictionary<string, HashSet<string>>> QueuesOfGroupsAsync(string endpoints, CancellationToken cancellationToken)
    {
        await using var producer = new Producer(new ProducerOptions { Endpoints = endpoints, Topics = [Topic] });
        var queues = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < 25; i++)
        {
            var group = "group-" + (i % 5).ToString(CultureInfo.InvariantCulture);
            var receipt = await producer.SendAsync(new Message(Topic, "{}") { MessageGroup = group }, cancellationToken);
            if (!queues.TryGetValue(group, out var ids))
            {
                queues[group] = ids = [];
            }

            ids.Add($"{receipt.BrokerName}/{receipt.QueueId.ToString(CultureInfo.InvariantCulture)}");
        }

        return queues;
    }
}
