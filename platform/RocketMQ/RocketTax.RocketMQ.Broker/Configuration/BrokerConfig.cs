using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Configuration;

/// <summary>
/// Everything <c>mqbroker</c> runs with, under RocketMQ's own key names so that the seed's
/// <c>broker-a.properties</c> and <c>broker-b.properties</c> load unchanged.
/// </summary>
public sealed record BrokerConfig
{
    public string BrokerClusterName { get; init; } = "DefaultCluster";

    public string BrokerName { get; init; } = Environment.MachineName;

    public long BrokerId { get; init; }

    /// <summary>Hours of the day (<c>04</c>, or <c>04;16</c>) at which expired commit-log segments are deleted.</summary>
    public IReadOnlyList<int> DeleteWhen { get; init; } = [4];

    /// <summary>Hours a commit-log segment is kept before it may be deleted.</summary>
    public int FileReservedTime { get; init; } = 48;

    public BrokerRole BrokerRole { get; init; } = BrokerRole.AsyncMaster;

    public FlushDiskType FlushDiskType { get; init; } = FlushDiskType.AsyncFlush;

    /// <summary>Name servers, <c>host:port;host:port</c>; empty when the broker runs alone.</summary>
    public string? NamesrvAddr { get; init; }

    /// <summary>The remoting port (10911), the one the boot line names.</summary>
    public int ListenPort { get; init; } = 10911;

    /// <summary>The gRPC MessagingService port that clients use (RocketMQ's proxy port, 8081).</summary>
    public int GrpcServerPort { get; init; } = 8081;

    /// <summary>Address advertised to clients and name servers; defaults to the machine's first IPv4 address.</summary>
    public string? BrokerIP1 { get; init; }

    public string StorePathRootDir { get; init; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "store");

    public bool AutoCreateTopicEnable { get; init; } = true;

    /// <summary>Queues given to an auto-created topic.</summary>
    public int DefaultTopicQueueNums { get; init; } = 4;

    public int MappedFileSizeCommitLog { get; init; } = MessageStoreOptions.DefaultSegmentSize;

    public int MaxMessageSize { get; init; } = MessageStoreOptions.DefaultMaxMessageSize;

    public int FlushIntervalCommitLog { get; init; } = 500;

    /// <summary>Shortest invisible duration a receive may ask for, in milliseconds.</summary>
    public long MinInvisibleTimeMillsForRecv { get; init; } = 1_000;

    /// <summary>Longest invisible duration a receive or change may ask for, in milliseconds (12 h).</summary>
    public long MaxInvisibleTimeMills { get; init; } = 12 * 60 * 60 * 1000;

    /// <summary>Retries a consumer group gets before a message goes to <c>%DLQ%group</c>; 16 as in RocketMQ.</summary>
    public int DefaultRetryMaxTimes { get; init; } = 16;

    /// <summary>Long-polling wait of a receive that names none, in milliseconds.</summary>
    public long LongPollingTimeoutMills { get; init; } = 20_000;

    /// <summary>Where the configuration came from, for messages.</summary>
    public string Source { get; init; } = "(defaults)";

    public MessageStoreOptions ToStoreOptions(string storeHost) => new(
        StorePathRootDir,
        MappedFileSizeCommitLog,
        FlushDiskType,
        TimeSpan.FromMilliseconds(FlushIntervalCommitLog),
        MaxMessageSize,
        storeHost);
}
