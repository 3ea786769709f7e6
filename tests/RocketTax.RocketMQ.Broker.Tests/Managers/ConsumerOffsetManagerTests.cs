using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Tests.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Managers;

/// <summary>
/// Committed consumer offsets: kept per group, topic and queue, written to <c>config/consumerOffset.json</c> in
/// RocketMQ's layout by a temp file and a rename, and read back by the next broker on the same store.
/// </summary>
public sealed class ConsumerOffsetManagerTests : MessageStoreTestBase
{
    private BrokerConfig Config => new() { StorePathRootDir = RootDir };

    private string OffsetFile => Path.Combine(RootDir, "config", "consumerOffset.json");

    [Fact]
    public void A_group_that_never_committed_has_no_offset_and_a_commit_is_read_back_per_queue()
    {
        var offsets = new ConsumerOffsetManager(Config);

        offsets.Commit(new("province", "tax-data-topic", 1), 42);

        Assert.Null(offsets.Query(new("province", "tax-data-topic", 0)));
        Assert.Null(offsets.Query(new("another-group", "tax-data-topic", 1)));
        Assert.Equal(42, offsets.Query(new("province", "tax-data-topic", 1)));
        Assert.Equal(["province"], offsets.GroupsOf("tax-data-topic"));
    }

    [Fact]
    public void Persisted_offsets_are_read_back_by_the_next_broker_and_the_file_has_RocketMQs_layout()
    {
        var offsets = new ConsumerOffsetManager(Config);
        offsets.Commit(new("province", "tax-data-topic", 0), 7);
        offsets.Commit(new("province", "tax-data-topic", 3), 12);
        offsets.Commit(new("group@with-at", "other", 0), 1);

        offsets.Persist();
        var reopened = new ConsumerOffsetManager(Config);

        Assert.Equal(7, reopened.Query(new("province", "tax-data-topic", 0)));
        Assert.Equal(12, reopened.Query(new("province", "tax-data-topic", 3)));
        Assert.Equal(1, reopened.Query(new("group@with-at", "other", 0)));
        Assert.Contains("\"tax-data-topic@province\"", File.ReadAllText(OffsetFile), StringComparison.Ordinal);
        Assert.Contains("\"offsetTable\"", File.ReadAllText(OffsetFile), StringComparison.Ordinal);
        Assert.False(File.Exists(OffsetFile + ".tmp"));
    }

    [Fact]
    public void A_later_commit_replaces_the_earlier_one_and_a_negative_offset_is_ignored()
    {
        var offsets = new ConsumerOffsetManager(Config);
        var key = new ConsumerQueueKey("province", "tax-data-topic", 0);

        offsets.Commit(key, 5);
        offsets.Commit(key, 9);
        offsets.Commit(key, -1);

        Assert.Equal(9, offsets.Query(key));
    }

    [Fact]
    public void A_torn_temp_file_left_by_a_crash_does_not_replace_the_last_complete_file()
    {
        var offsets = new ConsumerOffsetManager(Config);
        offsets.Commit(new("province", "tax-data-topic", 0), 7);
        offsets.Persist();
        File.WriteAllText(OffsetFile + ".tmp", "{\"offsetTable\":{\"tax-data-topic@prov");

        var reopened = new ConsumerOffsetManager(Config);

        Assert.Equal(7, reopened.Query(new("province", "tax-data-topic", 0)));
    }

    [Fact]
    public async Task Stopping_the_broker_writes_the_offsets_committed_since_the_last_flush()
    {
        var offsets = new ConsumerOffsetManager(Config);
        var flush = new ConsumerOffsetFlushService(offsets, TimeProvider.System, NullLogger<ConsumerOffsetFlushService>.Instance);
        await flush.StartAsync(Ct);
        offsets.Commit(new("province", "tax-data-topic", 2), 33);

        await flush.StopAsync(Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(33, new ConsumerOffsetManager(Config).Query(new("province", "tax-data-topic", 2)));
    }
}
