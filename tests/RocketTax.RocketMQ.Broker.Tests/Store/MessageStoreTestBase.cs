using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>Gives each test its own store folder on disk, opens stores in it, and cleans everything up afterwards.</summary>
public abstract class MessageStoreTestBase : IAsyncLifetime
{
    protected const int SmallSegmentSize = 64 * 1024;

    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<MessageStore> _stores = [];

    protected string RootDir { get; } = Path.Combine(Path.GetTempPath(), "rockettax-store-tests", Guid.NewGuid().ToString("N"));

    protected CapturingLogger<MessageStore> Logger { get; } = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected string CommitLogDir => Path.Combine(RootDir, "commitlog");

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(RootDir);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (Directory.Exists(RootDir))
        {
            Directory.Delete(RootDir, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    protected MessageStoreOptions Options(FlushDiskType flushDiskType = FlushDiskType.AsyncFlush, int segmentSize = SmallSegmentSize) =>
        new(RootDir, segmentSize, flushDiskType, TimeSpan.FromMilliseconds(50), StoreHost: "10.0.0.1:10911");

    protected async Task<MessageStore> OpenAsync(
        MessageStoreOptions? options = null,
        TimeProvider? timeProvider = null,
        Action<long>? beforeGroupCommitSync = null,
        Action<long>? beforeWrite = null)
    {
        var hooks = new StoreTestHooks(beforeGroupCommitSync, beforeWrite);
        var store = await MessageStore.OpenAsync(options ?? Options(), Logger, timeProvider ?? TimeProvider.System, hooks, Ct)
            .WaitAsync(Timeout, Ct);
        _stores.Add(store);
        return store;
    }

    /// <summary>
    /// Copies the running store's files to a new folder as a kill -9 now would leave them (every write is in the page
    /// cache, so a copy sees it); the lock file stays behind, as a dead process holds no lock. Returns the folder.
    /// </summary>
    protected string CopyAsKilled()
    {
        var copy = Path.Combine(RootDir, "killed-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(RootDir, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RootDir, file);
            if (relative == "lock" || relative.StartsWith("killed-", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(copy, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    protected static async Task CloseAsync(MessageStore store) => await store.DisposeAsync().AsTask().WaitAsync(Timeout, Ct);

    protected static MessageRecord Message(
        string topic,
        int queueId,
        string body,
        string? tag = null,
        Dictionary<string, string>? properties = null) =>
        new(topic, queueId, tag, properties ?? new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body), 1_700_000_000_000, "10.0.0.9:50000");

    protected static MessageRecord SizedMessage(string topic, int queueId, int index, int bodySize)
    {
        var body = new byte[bodySize];
        new Random(index).NextBytes(body);
        return new MessageRecord(topic, queueId, "TagA", new Dictionary<string, string> { ["UNIQ_KEY"] = $"id-{index}" }, body, 1_700_000_000_000 + index, "10.0.0.9:50000");
    }

    protected static async Task<PutResult> PutAsync(IMessageStore store, MessageRecord message) =>
        (await store.PutMessagesAsync([message], Ct).AsTask().WaitAsync(Timeout, Ct))[0];

    protected static async Task<IReadOnlyList<PutResult>> PutAllAsync(IMessageStore store, IReadOnlyList<MessageRecord> messages) =>
        await store.PutMessagesAsync(messages, Ct).AsTask().WaitAsync(Timeout, Ct);

    protected static ConsumeQueueEntry[] ReadEntries(IMessageStore store, string topic, int queueId, long from = 0, int max = 10_000)
    {
        var entries = new ConsumeQueueEntry[max];
        var count = store.ReadQueueEntries(topic, queueId, from, entries);
        return entries[..count];
    }

    /// <summary>
    /// The broker's services over <paramref name="store"/>, as the broker host registers them (broker <c>broker-t</c>,
    /// one queue per topic), with <paramref name="configure"/>'s changes to that config and <paramref name="replace"/>'s
    /// registrations after the broker's (a test's own logger, say).
    /// </summary>
    protected ServiceProvider BrokerServices(
        IMessageStore store, Func<BrokerConfig, BrokerConfig>? configure = null, Action<IServiceCollection>? replace = null)
    {
        var config = new BrokerConfig { BrokerName = "broker-t", StorePathRootDir = RootDir, DefaultTopicQueueNums = 1 };
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddBroker(configure?.Invoke(config) ?? config, store);
        replace?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>A remoting server on a free loopback port serving <paramref name="processors"/>, started; the caller disposes it.</summary>
    protected static async Task<RemotingServer> StartRemotingServerAsync(IEnumerable<IRemotingRequestProcessor> processors, IRemotingRequestGuard? guard = null)
    {
        var server = new RemotingServer(new RemotingServerOptions(0) { Address = IPAddress.Loopback }, processors, NullLogger<RemotingServer>.Instance, guard);
        await server.StartAsync(Ct);
        return server;
    }

    /// <summary>Flips the last byte of the message's entry (its body's end), so its CRC no longer matches.</summary>
    protected void DamageBody(PutResult message)
    {
        // A segment is named after its first commit-log offset (zero-padded, so names sort as offsets do).
        var segment = Directory.GetFiles(CommitLogDir).Order(StringComparer.Ordinal)
            .Last(path => long.Parse(Path.GetFileName(path), CultureInfo.InvariantCulture) <= message.CommitLogOffset);
        using var file = File.OpenHandle(segment, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var position = message.CommitLogOffset - long.Parse(Path.GetFileName(segment), CultureInfo.InvariantCulture) + message.Size - 1;
        var bytes = new byte[1];
        RandomAccess.Read(file, bytes, position);
        bytes[0] ^= 0xFF;
        RandomAccess.Write(file, bytes, position);
    }

    protected int WarningsContaining(string text) =>
        Logger.Entries.Count(e => e.Level >= LogLevel.Warning && e.Message.Contains(text, StringComparison.OrdinalIgnoreCase));
}
