namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Running totals of the store since start.</summary>
public sealed class StoreStatistics
{
    private long _messagesPut;
    private long _bytesPut;
    private long _messagesGot;
    private long _sendsRefused;
    private long _flushedOffset;

    public long MessagesPut => Interlocked.Read(ref _messagesPut);

    public long BytesPut => Interlocked.Read(ref _bytesPut);

    /// <summary>Messages handed to consumers since start, redeliveries included.</summary>
    public long MessagesGot => Interlocked.Read(ref _messagesGot);

    /// <summary>Producers' sends refused since start because the send queue was too long or too slow (<see cref="StoreBusyException"/>).</summary>
    public long SendsRefused => Interlocked.Read(ref _sendsRefused);

    /// <summary>Commit-log bytes on disk, across all segments.</summary>
    public long CommitLogBytes { get; set; }

    /// <summary>Commit-log offset up to which data is known to be on disk.</summary>
    public long FlushedOffset => Interlocked.Read(ref _flushedOffset);

    public void RecordPut(int messages, long bytes)
    {
        Interlocked.Add(ref _messagesPut, messages);
        Interlocked.Add(ref _bytesPut, bytes);
    }

    public void RecordGot(int messages) => Interlocked.Add(ref _messagesGot, messages);

    public void RecordSendRefused() => Interlocked.Increment(ref _sendsRefused);

    /// <summary>
    /// Records that the commit log is on disk up to <paramref name="offset"/>. The group commit and the periodic flush
    /// both record theirs, and the slower one may finish last: an older offset never moves the figure back.
    /// </summary>
    public void RecordFlushed(long offset)
    {
        var current = Interlocked.Read(ref _flushedOffset);
        while (offset > current)
        {
            var seen = Interlocked.CompareExchange(ref _flushedOffset, offset, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
