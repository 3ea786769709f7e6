namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Running totals of the store since start.</summary>
public sealed class StoreStatistics
{
    private long _messagesPut;
    private long _bytesPut;
    private long _messagesGot;
    private long _sendsRefused;

    public long MessagesPut => Interlocked.Read(ref _messagesPut);

    public long BytesPut => Interlocked.Read(ref _bytesPut);

    /// <summary>Messages handed to consumers since start, redeliveries included.</summary>
    public long MessagesGot => Interlocked.Read(ref _messagesGot);

    /// <summary>Producers' sends refused since start because the send queue was too long or too slow (<see cref="StoreBusyException"/>).</summary>
    public long SendsRefused => Interlocked.Read(ref _sendsRefused);

    /// <summary>Commit-log bytes on disk, across all segments.</summary>
    public long CommitLogBytes { get; set; }

    /// <summary>Commit-log offset up to which data is known to be on disk.</summary>
    public long FlushedOffset { get; set; }

    public void RecordPut(int messages, long bytes)
    {
        Interlocked.Add(ref _messagesPut, messages);
        Interlocked.Add(ref _bytesPut, bytes);
    }

    public void RecordGot(int messages) => Interlocked.Add(ref _messagesGot, messages);

    public void RecordSendRefused() => Interlocked.Increment(ref _sendsRefused);
}
