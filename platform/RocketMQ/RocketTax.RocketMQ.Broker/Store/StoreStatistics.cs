namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Running totals of the store since start.</summary>
public sealed class StoreStatistics
{
    private long _messagesPut;
    private long _bytesPut;

    public long MessagesPut => Interlocked.Read(ref _messagesPut);

    public long BytesPut => Interlocked.Read(ref _bytesPut);

    /// <summary>Commit-log bytes on disk, across all segments.</summary>
    public long CommitLogBytes { get; set; }

    /// <summary>Commit-log offset up to which data is known to be on disk.</summary>
    public long FlushedOffset { get; set; }

    public void RecordPut(int messages, long bytes)
    {
        Interlocked.Add(ref _messagesPut, messages);
        Interlocked.Add(ref _bytesPut, bytes);
    }
}
