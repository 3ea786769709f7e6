using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>
/// A topic's queues across every broker. Publishing walks them round-robin with brokers interleaved
/// (a0, b0, a1, b1 ...), so consecutive sends alternate brokers as well as queues.
/// </summary>
internal sealed class TopicRoute
{
    private readonly RouteQueue[] _publishOrder;
    private readonly RouteQueue[] _receiveOrder;
    private int _publishIndex = -1;

    public TopicRoute(string topic, IEnumerable<MessageQueue> queues)
    {
        Topic = topic;
        var all = queues
            .Where(q => q.Broker?.Endpoints is not null)
            .Select(q => new RouteQueue(q.Broker.Name, q.Id, EndpointAddress.FromProtocol(q.Broker.Endpoints), q))
            .ToList();
        if (all.Count == 0)
        {
            throw new RocketMQException($"The route of topic '{topic}' has no queues: create the topic on a broker (or enable autoCreateTopicEnable).", (int)Code.TopicNotFound);
        }

        Queues = all;
        _publishOrder = Interleave(all.Where(q => q.Writable));
        // A receive names a broker, not a queue: the broker pops from all its queues of the topic.
        _receiveOrder = [.. all.Where(q => q.Readable).GroupBy(q => q.BrokerName).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.First() with { QueueId = -1, Protocol = WithQueueId(g.First().Protocol, -1) })];
        Endpoints = [.. all.Select(q => q.Endpoint).Distinct()];
    }

    public string Topic { get; }

    public IReadOnlyList<RouteQueue> Queues { get; }

    public IReadOnlyList<EndpointAddress> Endpoints { get; }

    /// <summary>Queues for one send and its retries: the next queue round-robin, then queues of other brokers, healthy ones first.</summary>
    public IReadOnlyList<RouteQueue> TakePublishQueues(int attempts, Func<EndpointAddress, bool> isIsolated)
    {
        if (_publishOrder.Length == 0)
        {
            throw new RocketMQException($"No queue of topic '{Topic}' is writable: the brokers hold it read-only.", (int)Code.Forbidden);
        }

        var start = (uint)Interlocked.Increment(ref _publishIndex);
        var chosen = new List<RouteQueue>(attempts);
        var brokers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var healthyOnly in new[] { true, false })
        {
            for (var i = 0; i < _publishOrder.Length && chosen.Count < attempts; i++)
            {
                var queue = _publishOrder[(start + i) % _publishOrder.Length];
                if ((!healthyOnly || !isIsolated(queue.Endpoint)) && brokers.Add(queue.BrokerName))
                {
                    chosen.Add(queue);
                }
            }
        }

        return chosen;
    }

    /// <summary>
    /// The one queue every message of <paramref name="messageGroup"/> goes to while the route stays the same:
    /// a FIFO group keeps its order only inside one queue, so its sends neither rotate nor fail over.
    /// </summary>
    public RouteQueue PublishQueueFor(string messageGroup)
    {
        if (_publishOrder.Length == 0)
        {
            throw new RocketMQException($"No queue of topic '{Topic}' is writable: the brokers hold it read-only.", (int)Code.Forbidden);
        }

        return _publishOrder[StableHash(messageGroup) % (ulong)_publishOrder.Length];
    }

    /// <summary>
    /// The broker to receive from on the consumer's <paramref name="turn"/>: round-robin, passing over isolated
    /// brokers while a healthy one is left. The turn is the consumer's, not the route's, so a refreshed route
    /// does not start over at the first broker: a failing broker cannot starve the others.
    /// </summary>
    public RouteQueue ReceiveQueue(uint turn, Func<EndpointAddress, bool> isIsolated)
    {
        if (_receiveOrder.Length == 0)
        {
            throw new RocketMQException($"No queue of topic '{Topic}' is readable: the brokers hold it write-only.", (int)Code.Forbidden);
        }

        for (var i = 0u; i < _receiveOrder.Length; i++)
        {
            var queue = _receiveOrder[(turn + i) % _receiveOrder.Length];
            if (!isIsolated(queue.Endpoint))
            {
                return queue;
            }
        }

        return _receiveOrder[turn % _receiveOrder.Length];
    }

    /// <summary>The queue a receive names to reach <paramref name="brokerName"/>, or null when the route has nothing readable there.</summary>
    public RouteQueue? ReceiveQueueOf(string brokerName) => Array.Find(_receiveOrder, q => q.BrokerName == brokerName);

    private static RouteQueue[] Interleave(IEnumerable<RouteQueue> queues)
    {
        var byBroker = queues.GroupBy(q => q.BrokerName).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(q => q.QueueId).ToArray()).ToArray();
        var result = new List<RouteQueue>();
        for (var round = 0; byBroker.Any(b => round < b.Length); round++)
        {
            result.AddRange(byBroker.Where(b => round < b.Length).Select(b => b[round]));
        }

        return [.. result];
    }

    /// <summary>FNV-1a over the UTF-16 code units: the same in every process, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static ulong StableHash(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private static MessageQueue WithQueueId(MessageQueue queue, int id)
    {
        var copy = queue.Clone();
        copy.Id = id;
        return copy;
    }
}
