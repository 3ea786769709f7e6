using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

public sealed class MessageStoreRecoveryTests : MessageStoreTestBase
{
    [Fact]
    public async Task Reopened_store_reads_everything_and_continues_queue_offsets()
    {
        var store = await OpenAsync();
        var sent = Enumerable.Range(0, 200).Select(i => SizedMessage("reopen", i % 3, i, 700)).ToArray();
        foreach (var chunk in sent.Chunk(16))
        {
            await PutAllAsync(store, chunk);
        }

        var endBefore = store.CommitLogMaxOffset;
        await CloseAsync(store);

        var reopened = await OpenAsync();

        Assert.Equal(endBefore, reopened.CommitLogMaxOffset);
        Assert.Equal([67L, 67L, 66L], Enumerable.Range(0, 3).Select(q => reopened.GetMaxOffset("reopen", q)));
        Assert.Equal(3, reopened.KnownQueues.Count);
        AssertQueueHolds(reopened, "reopen", 1, sent.Where((_, i) => i % 3 == 1).ToArray());
        var next = await PutAsync(reopened, SizedMessage("reopen", 2, 999, 700));
        Assert.Equal(66, next.QueueOffset);
        Assert.True(next.CommitLogOffset >= endBefore);
        Assert.Equal(0, WarningsContaining("truncat"));
    }

    [Fact]
    public async Task Deleted_consume_queue_folder_is_rebuilt_from_the_commit_log()
    {
        var store = await OpenAsync();
        var sent = Enumerable.Range(0, 150).Select(i => SizedMessage(i % 2 == 0 ? "even" : "odd", 1, i, 900)).ToArray();
        await PutAllAsync(store, sent[..70]);
        await PutAllAsync(store, sent[70..]);
        var entriesBefore = ReadEntries(store, "even", 1);
        await CloseAsync(store);

        Directory.Delete(Path.Combine(RootDir, "consumequeue", "even", "1"), recursive: true);
        var reopened = await OpenAsync();

        Assert.Equal(75, reopened.GetMaxOffset("even", 1));
        Assert.Equal(entriesBefore, ReadEntries(reopened, "even", 1));
        AssertQueueHolds(reopened, "even", 1, sent.Where((_, i) => i % 2 == 0).ToArray());
        Assert.Equal(75, reopened.GetMaxOffset("odd", 1));
    }

    [Fact]
    public async Task Truncated_consume_queue_file_is_completed_from_the_commit_log()
    {
        var store = await OpenAsync();
        var sent = Enumerable.Range(0, 40).Select(i => SizedMessage("cut", 0, i, 512)).ToArray();
        await PutAllAsync(store, sent);
        await CloseAsync(store);

        var file = Directory.GetFiles(Path.Combine(RootDir, "consumequeue", "cut", "0")).Single();
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength((5 * 20) + 7);
        }

        var reopened = await OpenAsync();

        Assert.Equal(40, reopened.GetMaxOffset("cut", 0));
        AssertQueueHolds(reopened, "cut", 0, sent);
    }

    [Fact]
    public async Task Consume_queues_are_rebuilt_when_the_checkpoint_and_all_queues_are_gone()
    {
        var store = await OpenAsync();
        var sent = Enumerable.Range(0, 120).Select(i => SizedMessage("all", i % 4, i, 1024)).ToArray();
        await PutAllAsync(store, sent);
        await CloseAsync(store);

        Directory.Delete(Path.Combine(RootDir, "consumequeue"), recursive: true);
        File.Delete(Path.Combine(RootDir, "checkpoint"));
        var reopened = await OpenAsync();

        for (var q = 0; q < 4; q++)
        {
            Assert.Equal(30, reopened.GetMaxOffset("all", q));
            AssertQueueHolds(reopened, "all", q, sent.Where((_, i) => i % 4 == q).ToArray());
        }
    }

    [Fact]
    public async Task Corrupted_last_entry_is_truncated_and_the_next_put_takes_its_place()
    {
        var store = await OpenAsync();
        var sent = Enumerable.Range(0, 50).Select(i => SizedMessage("crc", 0, i, 1024)).ToArray();
        var results = await PutAllAsync(store, sent);
        await CloseAsync(store);

        var last = results[^1];
        var segment = SegmentPathOf(last.CommitLogOffset);
        var position = (last.CommitLogOffset % SmallSegmentSize) + (last.Size / 2);
        await using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.Position = position;
            var original = stream.ReadByte();
            stream.Position = position;
            stream.WriteByte((byte)(original ^ 0xFF));
        }

        var reopened = await OpenAsync();

        AssertTruncationLogged(last.CommitLogOffset);
        Assert.Equal(49, reopened.GetMaxOffset("crc", 0));
        Assert.Null(reopened.ReadMessage(last.CommitLogOffset));
        AssertQueueHolds(reopened, "crc", 0, sent[..49]);
        var next = await PutAsync(reopened, SizedMessage("crc", 0, 1000, 100));
        Assert.Equal(last.CommitLogOffset, next.CommitLogOffset);
        Assert.Equal(49, next.QueueOffset);
    }

    [Fact]
    public async Task Torn_write_at_the_end_of_the_last_segment_is_truncated()
    {
        var store = await OpenAsync();
        var sent = Enumerable.Range(0, 50).Select(i => SizedMessage("torn", i % 2, i, 1024)).ToArray();
        var results = await PutAllAsync(store, sent);
        await CloseAsync(store);

        var last = results[^1];
        using (var stream = new FileStream(SegmentPathOf(last.CommitLogOffset), FileMode.Open))
        {
            stream.SetLength((last.CommitLogOffset % SmallSegmentSize) + (last.Size / 2));
        }

        var reopened = await OpenAsync();

        AssertTruncationLogged(last.CommitLogOffset);
        Assert.Equal(25, reopened.GetMaxOffset("torn", 0));
        Assert.Equal(24, reopened.GetMaxOffset("torn", 1));
        AssertQueueHolds(reopened, "torn", 1, sent.Where((_, i) => i % 2 == 1).Take(24).ToArray());
        var next = await PutAsync(reopened, SizedMessage("torn", 1, 1000, 100));
        Assert.Equal(last.CommitLogOffset, next.CommitLogOffset);
        Assert.Equal(24, next.QueueOffset);
    }

    private void AssertTruncationLogged(long offset) =>
        Assert.Contains(Logger.Entries, e =>
            e.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && e.Message.Contains("Commit log truncat", StringComparison.Ordinal)
            && e.Message.Contains($"offset {offset}", StringComparison.Ordinal));

    private string SegmentPathOf(long commitLogOffset) =>
        Path.Combine(CommitLogDir, (commitLogOffset / SmallSegmentSize * SmallSegmentSize).ToString("D20", System.Globalization.CultureInfo.InvariantCulture));

    private static void AssertQueueHolds(IMessageStore store, string topic, int queueId, MessageRecord[] expected)
    {
        var entries = ReadEntries(store, topic, queueId);
        Assert.Equal(expected.Length, entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            Assert.Equal(i, entries[i].QueueOffset);
            var read = store.ReadMessage(entries[i]);
            Assert.NotNull(read);
            Assert.Equal(i, read.QueueOffset);
            Assert.Equal(TagHash.Of(read.Tag), entries[i].TagHashCode);
            Assert.Equal(expected[i].Properties["UNIQ_KEY"], read.Properties["UNIQ_KEY"]);
            Assert.Equal(Convert.ToHexString(expected[i].Body.Span), Convert.ToHexString(read.Body.Span));
        }
    }
}
