namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>When a send is answered relative to fsync, as RocketMQ's <c>flushDiskType</c>.</summary>
public enum FlushDiskType
{
    /// <summary>Answer after the write reached the OS; a flush service syncs about every 500 ms.</summary>
    AsyncFlush,

    /// <summary>Answer after fsync; concurrent sends share one fsync (group commit).</summary>
    SyncFlush,
}
