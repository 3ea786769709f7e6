using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Pull;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>
/// A message whose stored bytes cannot be read: a group passes over it and gets the next one, by POP as by pull (4.x
/// PULL_MESSAGE and 5.x PullMessage share the puller), and the log says so the same way; a damaged stretch gives a
/// bounded number of warnings. A message retention deleted is no damage: skipped without a warning.
/// </summary>
public sealed class UnreadableMessageTests : MessageStoreTestBase
{
    private const string Topic = "unreadable";
    private const string Group = "unreadable-group";

    private readonly CapturingLogger<QueueMessageReader> _readerLog = new();
    private long _damagedCommitLogOffset;

    [Fact]
    public async Task POP_passes_over_a_damaged_message_with_a_warning_naming_its_queue_offset()
    {
        await using var broker = await BrokerWithDamagedFirstMessageAsync();
        var topic = broker.GetRequiredService<TopicManager>().CreateOrUpdate(new TopicConfig(Topic, 1));

        var popped = await broker.GetRequiredService<PopManager>()
            .PopAsync(Group, topic, 0, TagFilter.All, 2, TimeSpan.FromMinutes(1), TimeSpan.Zero, Ct);

        Assert.Equal("next", Encoding.UTF8.GetString(Assert.Single(popped).Message.Body.Span));
        AssertPassedOverWarning();
    }

    [Fact]
    public async Task A_pull_passes_over_a_damaged_message_with_the_same_warning()
    {
        await using var broker = await BrokerWithDamagedFirstMessageAsync();

        var result = broker.GetRequiredService<MessagePuller>().Pull(Group, Topic, 0, 0, 32, TagFilter.All);

        Assert.Equal("next", Encoding.UTF8.GetString(Assert.Single(result.Messages).Body.Span));
        Assert.Equal(2, result.NextBeginOffset);
        AssertPassedOverWarning();
    }

    [Fact]
    public async Task A_damaged_stretch_gives_at_most_the_warnings_a_minute_allows_and_says_that_the_rest_are_counted()
    {
        const int damagedCount = QueueMessageReader.WarningsPerMinute + 5;
        var store = await OpenAsync();
        for (var i = 0; i < damagedCount; i++)
        {
            DamageBody(await PutAsync(store, Message(Topic, 0, $"damaged {i}")));
        }

        await using var broker = Broker(store);

        var result = broker.GetRequiredService<MessagePuller>().Pull(Group, Topic, 0, 0, 32, TagFilter.All);

        Assert.Empty(result.Messages);
        Assert.Equal(damagedCount, result.NextBeginOffset);
        Assert.Equal(QueueMessageReader.WarningsPerMinute, _readerLog.Entries.Count(e => e.Message.StartsWith($"Group {Group} passes over", StringComparison.Ordinal)));
        Assert.Single(_readerLog.Entries, e => e.Message.StartsWith($"{QueueMessageReader.WarningsPerMinute} unreadable messages passed over within a minute", StringComparison.Ordinal));
        Assert.Equal(10, WarningsContaining("failed its size, magic or CRC check"));
    }

    [Fact]
    public async Task A_message_retention_deleted_after_its_entry_was_found_is_skipped_without_a_warning()
    {
        var store = await StoreOverTwoSegmentsAsync();
        var found = ReadEntries(store, Topic, 0); // what a pull or POP holds when retention runs
        await store.DeleteExpiredSegmentsAsync(TimeSpan.Zero, Ct);
        await using var broker = Broker(store);
        var reader = broker.GetRequiredService<QueueMessageReader>();

        Assert.True(found[0].CommitLogOffset < store.CommitLogMinOffset, "retention deleted no segment");
        Assert.Null(reader.Read(Group, Topic, 0, found[0]));
        Assert.NotNull(reader.Read(Group, Topic, 0, found[^1]));
        Assert.DoesNotContain(_readerLog.Entries, e => e.Level >= LogLevel.Information);
    }

    [Fact]
    public async Task An_unacked_POP_message_retention_deleted_is_done_with_not_redelivered_as_the_first_message_still_stored()
    {
        var store = await StoreOverTwoSegmentsAsync();
        await using var broker = Broker(store);
        var pop = broker.GetRequiredService<PopManager>();
        var topic = broker.GetRequiredService<TopicManager>().CreateOrUpdate(new TopicConfig(Topic, 1));
        var unacked = Assert.Single(await pop.PopAsync(Group, topic, 0, TagFilter.All, 1, TimeSpan.FromMinutes(1), TimeSpan.Zero, Ct));
        Assert.Equal(ReceiptOutcome.Done, pop.ChangeInvisibleDuration(Group, unacked.Handle, TimeSpan.Zero, out _)); // due for redelivery now
        await store.DeleteExpiredSegmentsAsync(TimeSpan.Zero, Ct);
        var min = store.GetMinOffset(Topic, 0);
        Assert.True(min > 0, "retention deleted no segment");

        var popped = await pop.PopAsync(Group, topic, 0, TagFilter.All, 3, TimeSpan.FromMinutes(1), TimeSpan.Zero, Ct);

        Assert.Equal([min, min + 1, min + 2], popped.Select(m => m.Message.QueueOffset));
        Assert.All(popped, m => Assert.Equal(1, m.DeliveryAttempt));
        Assert.Equal(ReceiptOutcome.AlreadyAcked, pop.Ack(Group, unacked.Handle));
        Assert.DoesNotContain(_readerLog.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_damaged_message_in_the_stored_range_still_warns_when_retention_deleted_older_ones()
    {
        var store = await StoreOverTwoSegmentsAsync();
        await store.DeleteExpiredSegmentsAsync(TimeSpan.Zero, Ct);
        var damaged = await PutAsync(store, Message(Topic, 0, "damaged"));
        DamageBody(damaged);
        _damagedCommitLogOffset = damaged.CommitLogOffset;
        await using var broker = Broker(store);

        var result = broker.GetRequiredService<MessagePuller>().Pull(Group, Topic, 0, damaged.QueueOffset, 32, TagFilter.All);

        Assert.Empty(result.Messages);
        Assert.Contains(_readerLog.Entries, e => e.Level == LogLevel.Warning
            && e.Message.StartsWith($"Group {Group} passes over {Topic} queue 0 offset {damaged.QueueOffset}: its message at commit-log offset {_damagedCommitLogOffset}", StringComparison.Ordinal));
    }

    /// <summary>A store whose queue's first messages fill a 64 KiB segment and go on into the next, so retention can delete one.</summary>
    private async Task<MessageStore> StoreOverTwoSegmentsAsync()
    {
        var store = await OpenAsync();
        foreach (var chunk in Enumerable.Range(0, 100).Select(i => SizedMessage(Topic, 0, i, 1024)).Chunk(10))
        {
            await PutAllAsync(store, chunk);
        }

        return store;
    }

    /// <summary>A broker over a queue holding a damaged message at offset 0 and "next" at offset 1.</summary>
    private async Task<ServiceProvider> BrokerWithDamagedFirstMessageAsync()
    {
        var store = await OpenAsync();
        var damaged = await PutAsync(store, Message(Topic, 0, "damaged"));
        await PutAsync(store, Message(Topic, 0, "next"));
        DamageBody(damaged);
        _damagedCommitLogOffset = damaged.CommitLogOffset;
        return Broker(store);
    }

    private ServiceProvider Broker(IMessageStore store) =>
        BrokerServices(store, replace: services => services.AddSingleton<ILogger<QueueMessageReader>>(_readerLog));

    private void AssertPassedOverWarning() =>
        Assert.Contains(_readerLog.Entries, e => e.Level == LogLevel.Warning
            && e.Message.StartsWith($"Group {Group} passes over {Topic} queue 0 offset 0: its message at commit-log offset {_damagedCommitLogOffset}", StringComparison.Ordinal));
}
