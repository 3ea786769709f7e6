using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

public sealed class MessageStoreRetentionTests : MessageStoreTestBase
{
    [Fact]
    public async Task Expired_segments_are_deleted_except_the_active_one_and_min_offsets_advance()
    {
        var store = await OpenAsync(Options() with { ConsumeQueueFileEntries = 20 });
        var sent = Enumerable.Range(0, 300).Select(i => SizedMessage("old", 0, i, 1024)).ToArray();
        foreach (var chunk in sent.Chunk(10))
        {
            await PutAllAsync(store, chunk);
        }

        var segments = Directory.GetFiles(CommitLogDir).Order().ToArray();
        var queueFilesBefore = Directory.GetFiles(Path.Combine(RootDir, "consumequeue", "old", "0")).Length;
        var threeDaysAgo = DateTime.UtcNow.AddDays(-3);
        foreach (var segment in segments)
        {
            File.SetLastWriteTimeUtc(segment, threeDaysAgo);
        }

        var deleted = await store.DeleteExpiredSegmentsAsync(TimeSpan.FromHours(48), Ct).AsTask().WaitAsync(Timeout, Ct);

        Assert.Equal(segments.Length - 1, deleted);
        Assert.Equal([segments[^1]], Directory.GetFiles(CommitLogDir));
        var activeStart = long.Parse(Path.GetFileName(segments[^1]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(activeStart, store.CommitLogMinOffset);
        var min = store.GetMinOffset("old", 0);
        Assert.True(min > 0, "the min offset should move past the deleted segments");
        var entries = ReadEntries(store, "old", 0);
        Assert.Equal(300 - min, entries.Length);
        Assert.Equal(min, entries[0].QueueOffset);
        Assert.True(entries[0].CommitLogOffset >= activeStart);
        Assert.NotNull(store.ReadMessage(entries[0]));
        Assert.Null(store.ReadMessage(0));
        Assert.True(Directory.GetFiles(Path.Combine(RootDir, "consumequeue", "old", "0")).Length < queueFilesBefore);

        var next = await PutAsync(store, SizedMessage("old", 0, 300, 1024));
        Assert.Equal(300, next.QueueOffset);
    }

    [Fact]
    public async Task Young_segments_are_kept()
    {
        var store = await OpenAsync();
        foreach (var chunk in Enumerable.Range(0, 200).Select(i => SizedMessage("young", 0, i, 1024)).Chunk(10))
        {
            await PutAllAsync(store, chunk);
        }

        var deleted = await store.DeleteExpiredSegmentsAsync(TimeSpan.FromHours(48), Ct);

        Assert.Equal(0, deleted);
        Assert.Equal(0, store.GetMinOffset("young", 0));
        Assert.Equal(0, store.CommitLogMinOffset);
    }

    [Fact]
    public async Task Min_offset_survives_a_restart_after_segments_expired()
    {
        var store = await OpenAsync();
        foreach (var chunk in Enumerable.Range(0, 250).Select(i => SizedMessage("gone", 0, i, 1024)).Chunk(10))
        {
            await PutAllAsync(store, chunk);
        }

        foreach (var segment in Directory.GetFiles(CommitLogDir))
        {
            File.SetLastWriteTimeUtc(segment, DateTime.UtcNow.AddDays(-3));
        }

        await store.DeleteExpiredSegmentsAsync(TimeSpan.FromHours(48), Ct);
        var min = store.GetMinOffset("gone", 0);
        await CloseAsync(store);

        var reopened = await OpenAsync();

        Assert.Equal(min, reopened.GetMinOffset("gone", 0));
        Assert.Equal(250, reopened.GetMaxOffset("gone", 0));
    }

    [Fact]
    public async Task Queue_whose_messages_all_expired_keeps_its_offsets_after_a_restart()
    {
        var store = await OpenAsync();
        await PutAllAsync(store, Enumerable.Range(0, 100).Select(i => SizedMessage("early", 0, i, 1024)).ToArray());
        foreach (var chunk in Enumerable.Range(0, 150).Select(i => SizedMessage("late", 0, i, 1024)).Chunk(10))
        {
            await PutAllAsync(store, chunk);
        }

        foreach (var segment in Directory.GetFiles(CommitLogDir))
        {
            File.SetLastWriteTimeUtc(segment, DateTime.UtcNow.AddDays(-3));
        }

        await store.DeleteExpiredSegmentsAsync(TimeSpan.FromHours(48), Ct);
        Assert.Equal(100, store.GetMinOffset("early", 0));
        await CloseAsync(store);
        Directory.Delete(Path.Combine(RootDir, "consumequeue", "early"), recursive: true);

        var reopened = await OpenAsync();

        Assert.Equal(100, reopened.GetMinOffset("early", 0));
        Assert.Equal(100, reopened.GetMaxOffset("early", 0));
        Assert.Equal(100, (await PutAsync(reopened, SizedMessage("early", 0, 100, 10))).QueueOffset);
        await CloseAsync(reopened);

        var again = await OpenAsync();
        Assert.Equal(100, again.GetMinOffset("early", 0));
        Assert.Equal(101, again.GetMaxOffset("early", 0));
        var entry = Assert.Single(ReadEntries(again, "early", 0));
        Assert.Equal(100, again.ReadMessage(entry)?.QueueOffset);
    }
}
