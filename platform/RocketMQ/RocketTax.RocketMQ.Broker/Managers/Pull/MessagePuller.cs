using RocketTax.RocketMQ.Broker.Managers.Filtering;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers.Pull;

/// <summary>
/// Reads a queue by offset for consumers that keep their own place in it (4.x push and pull consumers): no invisibility,
/// no acks, the consumer moves on by the next begin offset it is given. A pull at the queue's end may wait for the next
/// message (long polling).
/// </summary>
public sealed class MessagePuller(IMessageStore store, QueueMessageReader reader, QueueArrivals arrivals, TimeProvider time)
{
    /// <summary>Most messages one pull returns, whatever it asks (RocketMQ's default <c>maxTransferCountOnMessageInMemory</c>).</summary>
    public const int MaxMessagesPerPull = 32;

    /// <summary>Most queue entries one pull scans for its filter before it answers with what it has (RocketMQ's <c>maxFilterMessageCount</c>).</summary>
    private const int MaxScannedEntries = 16_000;

    private const int ScanBatch = 32;

    /// <summary>Pulls once for <paramref name="group"/>, or, when the queue has nothing new from <paramref name="offset"/>, waits up to <paramref name="wait"/> for a message to arrive.</summary>
    public async ValueTask<PullResult> PullAsync(
        string group, string topic, int queueId, long offset, int maxMessages, IMessageFilter filter, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var arrival = arrivals.Next(topic, queueId);
            var result = Pull(group, topic, queueId, offset, maxMessages, filter);
            var now = time.GetUtcNow();
            if (result.Status != PullStatus.NoNewMessage || now >= deadline)
            {
                return result;
            }

            await QueueArrivals.WaitAsync(arrival, deadline - now, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Up to <paramref name="maxMessages"/> messages matching <paramref name="filter"/> from <paramref name="offset"/> on, for <paramref name="group"/>.</summary>
    public PullResult Pull(string group, string topic, int queueId, long offset, int maxMessages, IMessageFilter filter)
    {
        var min = store.GetMinOffset(topic, queueId);
        var max = store.GetMaxOffset(topic, queueId);
        if (offset == max)
        {
            return new PullResult(PullStatus.NoNewMessage, [], offset, min, max);
        }

        if (offset < min || offset > max)
        {
            // Below: deleted by retention, go to the oldest. Past the end: the queue is shorter than the consumer thinks, go to its end.
            return new PullResult(PullStatus.OffsetMoved, [], offset < min ? min : max, min, max);
        }

        var found = new List<StoredMessage>();
        var next = offset;
        var scanned = 0;
        var wanted = Math.Clamp(maxMessages, 1, MaxMessagesPerPull);
        Span<ConsumeQueueEntry> entries = stackalloc ConsumeQueueEntry[ScanBatch];
        while (found.Count < wanted && next < max && scanned < MaxScannedEntries)
        {
            var read = store.ReadQueueEntries(topic, queueId, next, entries);
            if (read == 0)
            {
                break;
            }

            for (var i = 0; i < read && found.Count < wanted; i++)
            {
                var entry = entries[i];
                next = entry.QueueOffset + 1;
                scanned++;
                if (filter.MayMatch(entry.TagHashCode) && reader.Read(group, topic, queueId, entry) is { } message && filter.Matches(message))
                {
                    found.Add(message);
                }
            }
        }

        var status = found.Count > 0 ? PullStatus.Found : next > offset ? PullStatus.NoMatchedMessage : PullStatus.NoNewMessage;
        return new PullResult(status, found, next, min, max);
    }

    /// <summary>The first offset of the queue whose message was stored at or after <paramref name="timestampMillis"/>; the queue's end when none was.</summary>
    public long OffsetAt(string topic, int queueId, long timestampMillis)
    {
        var low = store.GetMinOffset(topic, queueId);
        var high = store.GetMaxOffset(topic, queueId);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (StoreTimestamp(topic, queueId, middle) < timestampMillis)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>When the message at <paramref name="offset"/> was stored; one whose segment is gone counts as before any time.</summary>
    private long StoreTimestamp(string topic, int queueId, long offset)
    {
        Span<ConsumeQueueEntry> entry = stackalloc ConsumeQueueEntry[1];
        return store.ReadQueueEntries(topic, queueId, offset, entry) == 1 && store.ReadMessage(entry[0]) is { } message
            ? message.StoreTimestamp
            : long.MinValue;
    }
}
