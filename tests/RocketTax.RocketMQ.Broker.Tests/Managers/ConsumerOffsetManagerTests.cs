using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Tests.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Managers;

/// <summary>
/// Committed consumer offsets: kept per group, topic and queue, written to <c>config/consumerOffset.json</c> in
/// RocketMQ's layout by a temp file and a rename, and read back by the next broker on the same store; the previous
/// version is kept as <c>consumerOffset.json.bak</c> and loaded when the file is damaged or missing.
/// </summary>
public sealed class ConsumerOffsetManagerTests : MessageStoreTestBase
{
    private BrokerConfig Config => new() { StorePathRootDir = RootDir };

    private static readonly ConsumerQueueKey Key = new("province", "tax-data-topic", 0);

    private string OffsetFile => Path.Combine(RootDir, "config", "consumerOffset.json");

    private string BackupFile => OffsetFile + ".bak";

    [Fact]
    public void A_group_that_never_committed_has_no_offset_and_a_commit_is_read_back_per_queue()
    {
        var offsets = NewManager();

        offsets.Commit(new("province", "tax-data-topic", 1), 42);

        Assert.Null(offsets.Query(new("province", "tax-data-topic", 0)));
        Assert.Null(offsets.Query(new("another-group", "tax-data-topic", 1)));
        Assert.Equal(42, offsets.Query(new("province", "tax-data-topic", 1)));
        Assert.Equal(["province"], offsets.GroupsOf("tax-data-topic"));
    }

    [Fact]
    public void Persisted_offsets_are_read_back_by_the_next_broker_and_the_file_has_RocketMQs_layout()
    {
        var offsets = NewManager();
        offsets.Commit(new("province", "tax-data-topic", 0), 7);
        offsets.Commit(new("province", "tax-data-topic", 3), 12);
        offsets.Commit(new("group@with-at", "other", 0), 1);

        offsets.Persist();
        var reopened = NewManager();

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
        var offsets = NewManager();
        var key = new ConsumerQueueKey("province", "tax-data-topic", 0);

        offsets.Commit(key, 5);
        offsets.Commit(key, 9);
        offsets.Commit(key, -1);

        Assert.Equal(9, offsets.Query(key));
    }

    [Fact]
    public void Committing_the_offset_already_committed_writes_nothing_new()
    {
        var offsets = NewManager();
        offsets.Commit(Key, 5);
        offsets.Persist();
        File.Delete(OffsetFile);

        offsets.Commit(Key, 5);
        offsets.Persist();
        Assert.False(File.Exists(OffsetFile));

        offsets.Commit(Key, 6);
        offsets.Persist();
        Assert.True(File.Exists(OffsetFile));
    }

    [Fact]
    public void A_torn_temp_file_left_by_a_crash_does_not_replace_the_last_complete_file()
    {
        var offsets = NewManager();
        offsets.Commit(new("province", "tax-data-topic", 0), 7);
        offsets.Persist();
        File.WriteAllText(OffsetFile + ".tmp", "{\"offsetTable\":{\"tax-data-topic@prov");

        var reopened = NewManager();

        Assert.Equal(7, reopened.Query(new("province", "tax-data-topic", 0)));
    }

    [Fact]
    public async Task Stopping_the_broker_writes_the_offsets_committed_since_the_last_flush()
    {
        var offsets = NewManager();
        var flush = new ConsumerOffsetFlushService(offsets, TimeProvider.System, NullLogger<ConsumerOffsetFlushService>.Instance);
        await flush.StartAsync(Ct);
        offsets.Commit(new("province", "tax-data-topic", 2), 33);

        await flush.StopAsync(Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(33, NewManager().Query(new("province", "tax-data-topic", 2)));
    }

    [Fact]
    public void Each_write_keeps_the_file_it_replaces_as_the_backup()
    {
        var offsets = NewManager();
        offsets.Commit(Key, 7);
        offsets.Persist();
        Assert.False(File.Exists(BackupFile));
        var first = File.ReadAllText(OffsetFile);

        offsets.Commit(Key, 9);
        offsets.Persist();

        Assert.Equal(first, File.ReadAllText(BackupFile));
        Assert.Equal(9, NewManager().Query(Key));
    }

    [Fact]
    public void A_damaged_file_is_replaced_by_its_backup_with_a_warning_naming_the_file_and_the_error()
    {
        PersistTwice(7, 9);
        File.WriteAllBytes(OffsetFile, new byte[64]); // what a power loss can leave: the size written, the data not
        var logger = new CapturingLogger<ConsumerOffsetManager>();

        var reopened = new ConsumerOffsetManager(Config, logger);

        Assert.Equal(7, reopened.Query(Key));
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning).Message;
        Assert.Contains(OffsetFile, warning, StringComparison.Ordinal);
        Assert.Contains(BackupFile, warning, StringComparison.Ordinal);
        Assert.Contains("invalid", warning, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(new byte[64], File.ReadAllBytes(OffsetFile + ".damaged"));

        // The damaged file never becomes the backup: the next write keeps the good one.
        reopened.Commit(Key, 10);
        reopened.Persist();
        File.Delete(OffsetFile);
        Assert.Equal(7, NewManager().Query(Key));
    }

    [Fact]
    public void A_missing_file_is_loaded_from_its_backup_with_a_warning()
    {
        PersistTwice(7, 9);
        File.Delete(OffsetFile);
        var logger = new CapturingLogger<ConsumerOffsetManager>();

        var reopened = new ConsumerOffsetManager(Config, logger);

        Assert.Equal(7, reopened.Query(Key));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(BackupFile, StringComparison.Ordinal));
    }

    [Fact]
    public void Loading_from_the_backup_rewrites_the_file_so_the_recovered_offsets_are_held_twice_at_once()
    {
        PersistTwice(7, 9);
        File.WriteAllBytes(OffsetFile, new byte[64]);
        var logger = new CapturingLogger<ConsumerOffsetManager>();

        _ = new ConsumerOffsetManager(Config, logger);

        Assert.Equal(File.ReadAllBytes(BackupFile), File.ReadAllBytes(OffsetFile));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("rewrote the file", StringComparison.Ordinal));
        File.Delete(BackupFile); // the backup lost now loses nothing: the rewritten file holds the offsets
        Assert.Equal(7, NewManager().Query(Key));
    }

    [Fact]
    public void A_missing_file_is_rewritten_from_its_backup_at_load()
    {
        PersistTwice(7, 9);
        File.Delete(OffsetFile);

        _ = NewManager();

        Assert.Equal(File.ReadAllBytes(BackupFile), File.ReadAllBytes(OffsetFile));
    }

    [Fact]
    public void With_the_file_and_its_backup_both_damaged_the_broker_does_not_start_rather_than_forget_every_offset()
    {
        PersistTwice(7, 9);
        File.WriteAllText(OffsetFile, "{\"offsetTable\":{\"no-separator\":{\"0\":9}}}");
        File.WriteAllText(BackupFile, "{\"offsetTable\":{\"tax-data-topic@prov");

        var thrown = Assert.Throws<ConfigurationException>(NewManager);

        Assert.Contains(OffsetFile, thrown.Message, StringComparison.Ordinal);
        Assert.Contains(BackupFile, thrown.Message, StringComparison.Ordinal);
        Assert.Contains("'no-separator' is not a 'topic@group' key", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("re-consuming or skipping messages", thrown.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(OffsetFile + ".damaged"));
    }

    private ConsumerOffsetManager NewManager() => new(Config, NullLogger<ConsumerOffsetManager>.Instance);

    private void PersistTwice(long first, long second)
    {
        var offsets = NewManager();
        offsets.Commit(Key, first);
        offsets.Persist();
        offsets.Commit(Key, second);
        offsets.Persist();
    }
}
