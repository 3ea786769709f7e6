using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>
/// Hands every call on to the real store and tells the test once a put of <paramref name="topic"/> has been queued,
/// so a test knows that a put the broker makes on its own (a due timer message, say) waits in the send queue.
/// </summary>
public sealed class PutWatchingStore(IMessageStore store, string topic) : IMessageStore
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int QueuedSends => store.QueuedSends;

    public TimeSpan SendQueueHeadWait => store.SendQueueHeadWait;

    public IReadOnlyCollection<(string Topic, int QueueId)> KnownQueues => store.KnownQueues;

    public StoreStatistics Statistics => store.Statistics;

    public event Action<string, int>? MessagesArrived
    {
        add => store.MessagesArrived += value;
        remove => store.MessagesArrived -= value;
    }

    /// <summary>Completes once a put of the watched topic is in the store's queue.</summary>
    public Task QueuedAsync(CancellationToken cancellationToken) => _queued.Task.WaitAsync(Limit, cancellationToken);

    public ValueTask<IReadOnlyList<PutResult>> PutMessagesAsync(IReadOnlyList<MessageRecord> messages, CancellationToken cancellationToken) =>
        Watch(store.PutMessagesAsync(messages, cancellationToken), messages);

    public ValueTask<IReadOnlyList<PutResult>> PutSendAsync(IReadOnlyList<MessageRecord> messages, CancellationToken cancellationToken) =>
        Watch(store.PutSendAsync(messages, cancellationToken), messages);

    public long CommitLogMinOffset => store.CommitLogMinOffset;

    public long GetMinOffset(string topic, int queueId) => store.GetMinOffset(topic, queueId);

    public long GetMaxOffset(string topic, int queueId) => store.GetMaxOffset(topic, queueId);

    public int ReadQueueEntries(string topic, int queueId, long fromOffset, Span<ConsumeQueueEntry> destination) =>
        store.ReadQueueEntries(topic, queueId, fromOffset, destination);

    public StoredMessage? ReadMessage(in ConsumeQueueEntry entry) => store.ReadMessage(entry);

    public StoredMessage? ReadMessage(long commitLogOffset) => store.ReadMessage(commitLogOffset);

    public ValueTask<int> DeleteExpiredSegmentsAsync(TimeSpan retention, CancellationToken cancellationToken) =>
        store.DeleteExpiredSegmentsAsync(retention, cancellationToken);

    /// <summary>Nothing: the test that opened the real store closes it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Called after the real store took the put, so "queued" is true when the test hears of it.</summary>
    private ValueTask<IReadOnlyList<PutResult>> Watch(ValueTask<IReadOnlyList<PutResult>> put, IReadOnlyList<MessageRecord> messages)
    {
        if (messages.Any(m => m.Topic == topic))
        {
            _queued.TrySetResult();
        }

        return put;
    }
}
