namespace Aspire.Hosting.ApplicationModel;

/// <summary>RocketMQ's <c>flushDiskType</c>: when a broker answers a send.</summary>
public enum RocketMQFlushDiskType
{
    /// <summary><c>ASYNC_FLUSH</c>: after the write; the commit log is fsynced every <c>flushIntervalCommitLog</c> ms.</summary>
    AsyncFlush,

    /// <summary><c>SYNC_FLUSH</c>: after fsync.</summary>
    SyncFlush,
}
