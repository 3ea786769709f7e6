using RocketTax.RocketMQ.Broker.Security;
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

    /// <summary>Milliseconds between registrations with every name server (RocketMQ's key; 30 s).</summary>
    public long RegisterNameServerPeriod { get; init; } = 30_000;

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

    /// <summary>Milliseconds a producer's send may wait for its append before it is refused with TOO_MANY_REQUESTS (<c>waitTimeMillsInSendQueue</c>).</summary>
    public long WaitTimeMillsInSendQueue { get; init; } = MessageStoreOptions.DefaultSendQueueWaitMillis;

    /// <summary>Producers' sends that may wait for their append; more are refused with TOO_MANY_REQUESTS (<c>sendThreadPoolQueueCapacity</c>).</summary>
    public int SendThreadPoolQueueCapacity { get; init; } = MessageStoreOptions.DefaultSendQueueCapacity;

    /// <summary>Shortest invisible duration a receive may ask for, in milliseconds.</summary>
    public long MinInvisibleTimeMillsForRecv { get; init; } = 1_000;

    /// <summary>Longest invisible duration a receive or change may ask for, in milliseconds (12 h).</summary>
    public long MaxInvisibleTimeMills { get; init; } = 12 * 60 * 60 * 1000;

    /// <summary>Retries a consumer group gets before a message goes to <c>%DLQ%group</c>; 16 as in RocketMQ.</summary>
    public int DefaultRetryMaxTimes { get; init; } = 16;

    /// <summary>
    /// RocketMQ's delay levels (<c>messageDelayLevel</c>); a consumer's n-th retry waits level n + 2,
    /// so retries back off 10 s, 30 s, 1 m, 2 m ... 2 h by default.
    /// </summary>
    public IReadOnlyList<TimeSpan> MessageDelayLevel { get; init; } = DefaultDelayLevels;

    public static readonly IReadOnlyList<TimeSpan> DefaultDelayLevels =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(4),
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(8),
        TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2),
    ];

    /// <summary>The delay of a 1-based <c>messageDelayLevel</c>; a level past the last is the last.</summary>
    public TimeSpan DelayOfLevel(int level) => MessageDelayLevel[Math.Clamp(level, 1, MessageDelayLevel.Count) - 1];

    /// <summary>Waits between a consumer's failed deliveries: the delay levels from the third on.</summary>
    public IReadOnlyList<TimeSpan> ConsumerRetryBackoff => MessageDelayLevel.Count > 2 ? MessageDelayLevel.Skip(2).ToArray() : MessageDelayLevel;

    /// <summary>Long-polling wait of a receive that names none, in milliseconds.</summary>
    public long LongPollingTimeoutMills { get; init; } = 20_000;

    /// <summary>Longest delay a delayed message may ask for, in seconds (RocketMQ's <c>timerMaxDelaySec</c>; 24 h).</summary>
    public long TimerMaxDelaySec { get; init; } = 24 * 60 * 60;

    /// <summary>Milliseconds after a half message's send before the broker first asks its producer (<c>transactionTimeOut</c>).</summary>
    public long TransactionTimeOut { get; init; } = 6_000;

    /// <summary>Milliseconds between later checks of an unresolved transaction (<c>transactionCheckInterval</c>).</summary>
    public long TransactionCheckInterval { get; init; } = 30_000;

    /// <summary>Checks of an unresolved transaction before it is rolled back (<c>transactionCheckMax</c>).</summary>
    public int TransactionCheckMax { get; init; } = 15;

    /// <summary>Checks every gRPC request against the ACL file (<c>aclEnable</c>); off by default, as in RocketMQ.</summary>
    public bool AclEnable { get; init; }

    /// <summary>The ACL file (<c>aclConfigFile</c>); unset, <c>plain_acl.yml</c> beside the properties file.</summary>
    public string? AclConfigFile { get; init; }

    /// <summary>What the gRPC port accepts (<c>tlsServerMode</c>): TLS and plaintext on one port by default.</summary>
    public TlsServerMode TlsServerMode { get; init; } = TlsServerMode.Permissive;

    /// <summary>What serves gRPC on <c>grpcServerPort</c> (<c>grpcTransport</c>): <c>native</c> (default) or <c>kestrel</c>.</summary>
    public GrpcTransport GrpcTransport { get; init; } = GrpcTransport.Native;

    /// <summary>Certificate for TLS clients: PEM (with <c>tlsServerKeyPath</c>) or PKCS#12; unset, a self-signed one kept in the store.</summary>
    public string? TlsServerCertPath { get; init; }

    /// <summary>PEM private key of <see cref="TlsServerCertPath"/>.</summary>
    public string? TlsServerKeyPath { get; init; }

    /// <summary>Password of an encrypted PEM key or of a PKCS#12 file.</summary>
    public string? TlsServerKeyPassword { get; init; }

    /// <summary>Where the configuration came from, for messages.</summary>
    public string Source { get; init; } = "(defaults)";

    public MessageStoreOptions ToStoreOptions(string storeHost) => new(
        StorePathRootDir,
        MappedFileSizeCommitLog,
        FlushDiskType,
        TimeSpan.FromMilliseconds(FlushIntervalCommitLog),
        MaxMessageSize,
        storeHost)
    {
        SendQueueWaitLimit = TimeSpan.FromMilliseconds(WaitTimeMillsInSendQueue),
        SendQueueCapacity = SendThreadPoolQueueCapacity,
    };
}
