using System.Globalization;
using RocketTax.RocketMQ.Client;

namespace RocketTax.Chaos.Harness;

/// <summary>
/// Which queue a fresh producer sends each of a few FIFO message groups to: the producer's view of the route
/// at that moment. Two probes that differ mean a group changed queue, and a consumer may then see it out of order.
/// </summary>
public static class MessageGroupQueues
{
    /// <summary>5 groups, prime to the 8 queues of a topic on two brokers, so round-robin cannot fake a stable answer.</summary>
    private const int Groups = 5;

    private const int MessagesPerGroup = 5;

    /// <summary>Sends <c>5 × 5</c> messages to <paramref name="topic"/> with a fresh producer; per group, the queues (broker/queue id) it landed on.</summary>
    public static async Task<Dictionary<string, HashSet<string>>> ProbeAsync(string endpoints, string topic, CancellationToken cancellationToken)
    {
        await using var producer = new Producer(new ProducerOptions { Endpoints = endpoints, Topics = [topic] });
        var queues = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < Groups * MessagesPerGroup; i++)
        {
            var group = "group-" + (i % Groups).ToString(CultureInfo.InvariantCulture);
            var receipt = await producer.SendAsync(new Message(topic, "{}") { MessageGroup = group }, cancellationToken);
            if (!queues.TryGetValue(group, out var ids))
            {
                queues[group] = ids = [];
            }

            ids.Add($"{receipt.BrokerName}/{receipt.QueueId.ToString(CultureInfo.InvariantCulture)}");
        }

        return queues;
    }

    /// <summary>The probe as text, for failure messages.</summary>
    public static string Describe(Dictionary<string, HashSet<string>> probe) =>
        string.Join(", ", probe.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} → {string.Join('|', g.Value)}"));
}
