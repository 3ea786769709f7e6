namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Settings of the store, taken from the broker's properties file.</summary>
/// <param name="StorePathRootDir">Root folder: <c>commitlog/</c>, <c>consumequeue/</c>, <c>checkpoint</c> live below it.</param>
/// <param name="CommitLogSegmentSize">Bytes per commit-log segment file (<c>mappedFileSizeCommitLog</c>, 1 GiB by default).</param>
/// <param name="FlushDiskType">ASYNC_FLUSH or SYNC_FLUSH.</param>
/// <param name="FlushInterval">How often ASYNC_FLUSH syncs (<c>flushIntervalCommitLog</c>, 500 ms by default).</param>
/// <param name="MaxMessageSize">Largest body accepted (<c>maxMessageSize</c>, 4 MiB by default).</param>
/// <param name="StoreHost">This broker's address as recorded in each entry, e.g. <c>192.168.31.210:10911</c>.</param>
public sealed record MessageStoreOptions(
    string StorePathRootDir,
    int CommitLogSegmentSize = MessageStoreOptions.DefaultSegmentSize,
    FlushDiskType FlushDiskType = FlushDiskType.AsyncFlush,
    TimeSpan? FlushInterval = null,
    int MaxMessageSize = MessageStoreOptions.DefaultMaxMessageSize,
    string StoreHost = "127.0.0.1:10911")
{
    public const int DefaultSegmentSize = 1024 * 1024 * 1024;
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Entries per consume-queue file (<c>mappedFileSizeConsumeQueue</c> / 20).</summary>
    public const int DefaultConsumeQueueFileEntries = 300_000;

    /// <summary>RocketMQ's <c>waitTimeMillsInSendQueue</c> default.</summary>
    public const int DefaultSendQueueWaitMillis = 200;

    /// <summary>RocketMQ's <c>sendThreadPoolQueueCapacity</c> default.</summary>
    public const int DefaultSendQueueCapacity = 10_000;

    public TimeSpan EffectiveFlushInterval => FlushInterval ?? TimeSpan.FromMilliseconds(500);

    /// <summary>20-byte entries per consume-queue file (<c>mappedFileSizeConsumeQueue</c> / 20); keep it unchanged on an existing store.</summary>
    public int ConsumeQueueFileEntries { get; init; } = DefaultConsumeQueueFileEntries;

    /// <summary>
    /// Longest a producer's send may wait in the send queue before its append starts (<c>waitTimeMillsInSendQueue</c>,
    /// 200 ms); one that waited longer is refused, not stored.
    /// </summary>
    public TimeSpan SendQueueWaitLimit { get; init; } = TimeSpan.FromMilliseconds(DefaultSendQueueWaitMillis);

    /// <summary>Producers' sends the send queue holds before it refuses more (<c>sendThreadPoolQueueCapacity</c>, 10,000).</summary>
    public int SendQueueCapacity { get; init; } = DefaultSendQueueCapacity;
}
