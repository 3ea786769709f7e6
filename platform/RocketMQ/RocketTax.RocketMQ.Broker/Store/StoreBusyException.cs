namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>
/// The store refused a producer's send without storing it: the send waited in the send queue longer than
/// <see cref="MessageStoreOptions.SendQueueWaitLimit"/>, or the queue already held
/// <see cref="MessageStoreOptions.SendQueueCapacity"/> sends. Answering at once lets the producer back off or try
/// another broker instead of piling more work on a broker that has fallen behind.
/// </summary>
public sealed class StoreBusyException(string message, TimeSpan waited, int queuedSends) : Exception(message)
{
    /// <summary>How long the refused send waited in the queue (zero when it was refused on arrival).</summary>
    public TimeSpan Waited { get; } = waited;

    /// <summary>Sends waiting in the queue when this one was refused.</summary>
    public int QueuedSends { get; } = queuedSends;
}
