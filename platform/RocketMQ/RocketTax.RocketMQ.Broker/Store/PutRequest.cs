namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>One <see cref="IMessageStore.PutMessagesAsync"/> call waiting in the appender's queue.</summary>
/// <remarks>
/// Deriving from the completion source saves an allocation per put. <see cref="Results"/> is pre-filled with the
/// encoded size of each message by the caller (validation computes it anyway); the appender fills in the rest.
/// </remarks>
internal sealed class PutRequest : TaskCompletionSource<IReadOnlyList<PutResult>>
{
    public PutRequest(IReadOnlyList<MessageRecord> messages, PutResult[] results, long totalBytes)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Messages = messages;
        Results = results;
        TotalBytes = totalBytes;
    }

    public IReadOnlyList<MessageRecord> Messages { get; }

    public PutResult[] Results { get; }

    public long TotalBytes { get; }
}
