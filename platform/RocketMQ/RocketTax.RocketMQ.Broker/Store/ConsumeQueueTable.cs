using System.Collections.Concurrent;
using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>All consume queues of the store, keyed by topic and queue id (RocketMQ's consumeQueueTable).</summary>
/// <remarks>Only the appender (or recovery, before the appender starts) creates queues; anyone may look them up.</remarks>
internal sealed class ConsumeQueueTable : IDisposable
{
    private readonly ConcurrentDictionary<(string Topic, int QueueId), ConsumeQueue> _queues = new();
    private readonly string _root;
    private readonly int _entriesPerFile;

    public ConsumeQueueTable(string root, int entriesPerFile)
    {
        _root = root;
        _entriesPerFile = entriesPerFile;
        Directory.CreateDirectory(root);
    }

    public ICollection<(string Topic, int QueueId)> Keys => _queues.Keys;

    public ICollection<ConsumeQueue> Queues => _queues.Values;

    public bool TryGet(string topic, int queueId, out ConsumeQueue queue) =>
        _queues.TryGetValue((topic, queueId), out queue!);

    public ConsumeQueue GetOrCreate(string topic, int queueId)
    {
        if (_queues.TryGetValue((topic, queueId), out var queue))
        {
            return queue;
        }

        queue = ConsumeQueue.Open(_root, topic, queueId, _entriesPerFile);
        _queues[(topic, queueId)] = queue;
        return queue;
    }

    /// <summary>Opens every <c>&lt;topic&gt;/&lt;queueId&gt;</c> folder found under the root (recovery only).</summary>
    public void LoadAll()
    {
        foreach (var topicDirectory in Directory.EnumerateDirectories(_root))
        {
            var topic = Path.GetFileName(topicDirectory);
            if (!TopicName.IsValid(topic))
            {
                continue;
            }

            foreach (var queueDirectory in Directory.EnumerateDirectories(topicDirectory))
            {
                if (int.TryParse(Path.GetFileName(queueDirectory), NumberStyles.None, CultureInfo.InvariantCulture, out var queueId))
                {
                    GetOrCreate(topic, queueId);
                }
            }
        }
    }

    /// <summary>Fsyncs every consume-queue file written since its last fsync.</summary>
    public void FlushDirty()
    {
        foreach (var queue in _queues.Values)
        {
            queue.FlushDirty();
        }
    }

    public void Dispose()
    {
        foreach (var queue in _queues.Values)
        {
            queue.Dispose();
        }
    }
}
