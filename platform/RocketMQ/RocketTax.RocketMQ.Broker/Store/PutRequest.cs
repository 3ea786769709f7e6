namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>One <see cref="IMessageStore.PutMessagesAsync"/> or <see cref="IMessageStore.PutSendAsync"/> call waiting in the appender's queue.</summary>
/// <remarks>
/// Deriving from the completion source saves an allocation per put. <see cref="Results"/> is pre-filled with the
/// encoded size of each message by the caller (validation computes it anyway); the appender fills in the rest.
/// </remarks>
internal sealed class PutRequest : TaskCompletionSource<IReadOnlyList<PutResult>>
{
    public PutRequest(IReadOnlyList<MessageRecord> messages, PutResult[] results, long totalBytes, bool isSend, long queuedAt)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Messages = messages;
        Results = results;
        TotalBytes = totalBytes;
        IsSend = isSend;
        QueuedAt = queuedAt;
    }

    public IReadOnlyList<MessageRecord> Messages { get; }

    public PutResult[] Results { get; }

    public long TotalBytes { get; }

    /// <summary>A producer's send, under flow control; the broker's own puts (retries, timer, DLQ) are never refused.</summary>
    public bool IsSend { get; }

    /// <summary>The store's <see cref="TimeProvider.GetTimestamp"/> when the request was queued.</summary>
    public long QueuedAt { get; }
}
