namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>
/// The broker's durable message store: a segmented commit log, one consume queue per topic queue,
/// and a checkpoint. Everything above the store (POP, offsets, DLQ) reads and writes through this.
/// </summary>
public interface IMessageStore : IAsyncDisposable
{
    /// <summary>Appends messages, assigning queue offsets in order; completes after fsync under SYNC_FLUSH.</summary>
    /// <remarks>All messages of one call are appended contiguously; results come back in input order.</remarks>
    ValueTask<IReadOnlyList<PutResult>> PutMessagesAsync(IReadOnlyList<MessageRecord> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a producer's send as <see cref="PutMessagesAsync"/> does, under flow control: when the send queue is
    /// full, or the send waited in it past the limit before its append started, it fails with
    /// <see cref="StoreBusyException"/> and nothing of it is stored.
    /// </summary>
    ValueTask<IReadOnlyList<PutResult>> PutSendAsync(IReadOnlyList<MessageRecord> messages, CancellationToken cancellationToken);

    /// <summary>Producers' sends waiting for their append now.</summary>
    int QueuedSends { get; }

    /// <summary>How long the oldest put still waiting for its append has waited (zero when none waits).</summary>
    TimeSpan SendQueueHeadWait { get; }

    /// <summary>The first queue offset still readable (older entries were deleted with their segments).</summary>
    long GetMinOffset(string topic, int queueId);

    /// <summary>The first commit-log offset still stored; a consume-queue entry pointing below it lost its message to retention.</summary>
    long CommitLogMinOffset { get; }

    /// <summary>The queue offset the next message appended to the queue will get (0 for an empty queue).</summary>
    long GetMaxOffset(string topic, int queueId);

    /// <summary>Reads up to <paramref name="destination"/>.Length consume-queue entries starting at <paramref name="fromOffset"/>.</summary>
    /// <returns>How many entries were read; 0 when <paramref name="fromOffset"/> is at or past the end.</returns>
    int ReadQueueEntries(string topic, int queueId, long fromOffset, Span<ConsumeQueueEntry> destination);

    /// <summary>Reads the message a consume-queue entry points to; null when its segment was deleted.</summary>
    StoredMessage? ReadMessage(in ConsumeQueueEntry entry);

    /// <summary>Reads one message by its commit-log offset; null when there is no valid entry there.</summary>
    StoredMessage? ReadMessage(long commitLogOffset);

    /// <summary>Topic/queue pairs the store has entries for (used to list queues after a restart).</summary>
    IReadOnlyCollection<(string Topic, int QueueId)> KnownQueues { get; }

    /// <summary>Raised after messages became readable (from the store's appending or group-commit thread: handlers must be quick).</summary>
    event Action<string, int>? MessagesArrived;

    /// <summary>Deletes commit-log segments (and the consume-queue files that only point into them) older than the retention.</summary>
    ValueTask<int> DeleteExpiredSegmentsAsync(TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>Counters for metrics and `mqadmin brokerStatus`.</summary>
    StoreStatistics Statistics { get; }
}
