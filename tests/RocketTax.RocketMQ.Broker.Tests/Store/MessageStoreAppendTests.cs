using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

public sealed class MessageStoreAppendTests : MessageStoreTestBase
{
    [Fact]
    public async Task Put_message_reads_back_with_every_field_body_crc_and_store_timestamp()
    {
        var now = new DateTimeOffset(2024, 4, 30, 4, 0, 0, TimeSpan.Zero);
        var store = await OpenAsync(timeProvider: new FixedTimeProvider(now));
        var properties = new Dictionary<string, string>
        {
            ["UNIQ_KEY"] = "7F0000010001",
            ["KEYS"] = "tax-2021-q1",
            ["title"] = "X市2021年度第一季度税务汇总数据",
        };
        var body = "{\"区域\":\"X市\",\"税额\":12345.67}";
        var sent = new MessageRecord("tax-data", 0, "汇总", properties, Encoding.UTF8.GetBytes(body), 1_714_449_600_123, "192.168.31.7:61000", ReconsumeTimes: 2, Flag: 5);

        var result = await PutAsync(store, sent);

        var entries = ReadEntries(store, "tax-data", 0);
        var entry = Assert.Single(entries);
        Assert.Equal(new ConsumeQueueEntry(0, result.CommitLogOffset, result.Size, TagHash.Of("汇总")), entry);
        var read = store.ReadMessage(entry);
        Assert.NotNull(read);
        Assert.Equal("tax-data", read.Topic);
        Assert.Equal(0, read.QueueId);
        Assert.Equal(0, read.QueueOffset);
        Assert.Equal(result.CommitLogOffset, read.CommitLogOffset);
        Assert.Equal(result.Size, read.StoreSize);
        Assert.Equal("汇总", read.Tag);
        Assert.Equal(properties, read.Properties);
        Assert.Equal(body, Encoding.UTF8.GetString(read.Body.Span));
        Assert.Equal(Crc32.HashToUInt32(Encoding.UTF8.GetBytes(body)), read.BodyCrc);
        Assert.Equal(1_714_449_600_123, read.BornTimestamp);
        Assert.Equal("192.168.31.7:61000", read.BornHost);
        Assert.Equal(now.ToUnixTimeMilliseconds(), read.StoreTimestamp);
        Assert.Equal(now.ToUnixTimeMilliseconds(), result.StoreTimestamp);
        Assert.Equal("10.0.0.1:10911", read.StoreHost);
        Assert.Equal(2, read.ReconsumeTimes);
        Assert.Equal(5, read.Flag);
        Assert.Equal(read, store.ReadMessage(result.CommitLogOffset)! with { Body = read.Body, Properties = read.Properties });
    }

    [Fact]
    public async Task Queue_offsets_count_from_zero_per_queue_in_put_order()
    {
        var store = await OpenAsync();
        var batch = Enumerable.Range(0, 10).Select(i => Message("orders", i % 2, $"m{i}")).ToArray();

        var results = await PutAllAsync(store, batch);
        var more = await PutAsync(store, Message("orders", 1, "m10"));

        Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3, 4, 4], results.Select(r => r.QueueOffset));
        Assert.Equal(5, more.QueueOffset);
        Assert.Equal(5, store.GetMaxOffset("orders", 0));
        Assert.Equal(6, store.GetMaxOffset("orders", 1));
        Assert.Equal(0, store.GetMinOffset("orders", 1));
        Assert.Equal(0, store.GetMaxOffset("orders", 7));
        Assert.Equal(["m1", "m3", "m5", "m7", "m9", "m10"], ReadEntries(store, "orders", 1).Select(e => Encoding.UTF8.GetString(store.ReadMessage(e)!.Body.Span)));
        Assert.Equal([2, 3], ReadEntries(store, "orders", 1, from: 2, max: 2).Select(e => e.QueueOffset));
        Assert.Empty(ReadEntries(store, "orders", 1, from: 6));
        Assert.Contains(("orders", 0), store.KnownQueues);
        Assert.Equal(11, store.Statistics.MessagesPut);
    }

    [Fact]
    public async Task Messages_roll_over_into_segments_named_by_their_20_digit_start_offset()
    {
        var store = await OpenAsync();
        var messages = Enumerable.Range(0, 300).Select(i => SizedMessage("rolling", 0, i, 1024)).ToArray();

        var results = new List<PutResult>();
        foreach (var chunk in messages.Chunk(7))
        {
            results.AddRange(await PutAllAsync(store, chunk));
        }

        var names = Directory.GetFiles(CommitLogDir).Select(Path.GetFileName).Order().ToArray();
        Assert.True(names.Length >= 3, $"expected at least 3 segments, found {names.Length}");
        Assert.All(names, name =>
        {
            Assert.Matches("^[0-9]{20}$", name);
            Assert.Equal(0, long.Parse(name!, CultureInfo.InvariantCulture) % SmallSegmentSize);
        });
        Assert.All(results, r => Assert.Equal(r.CommitLogOffset / SmallSegmentSize, (r.CommitLogOffset + r.Size - 1) / SmallSegmentSize));
        var entries = ReadEntries(store, "rolling", 0);
        Assert.Equal(300, entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var read = store.ReadMessage(entries[i]);
            Assert.NotNull(read);
            Assert.Equal(i, read.QueueOffset);
            Assert.Equal(messages[i].Body.ToArray(), read.Body.ToArray());
        }
    }

    [Fact]
    public async Task Sync_flush_completes_every_concurrent_put_with_distinct_increasing_queue_offsets()
    {
        var store = await OpenAsync(Options(FlushDiskType.SyncFlush, segmentSize: 1024 * 1024));
        var first = await PutAsync(store, Message("sync", 0, "first"));
        Assert.Equal(0, first.QueueOffset);
        Assert.Equal(store.CommitLogMaxOffset, store.Statistics.FlushedOffset);

        const int Producers = 64;
        const int PerProducer = 20;
        var tasks = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            var offsets = new List<long>();
            for (var i = 0; i < PerProducer; i++)
            {
                var result = await PutAsync(store, Message("sync", p % 4, $"p{p}-{i}"));
                offsets.Add(result.QueueOffset);
            }

            return (Queue: p % 4, Offsets: offsets);
        }, Ct)).ToArray();
        var perProducer = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.All(perProducer, p => Assert.Equal(p.Offsets.Order(), p.Offsets));
        foreach (var queue in perProducer.GroupBy(p => p.Queue))
        {
            var all = queue.SelectMany(p => p.Offsets).Order().ToArray();
            var start = queue.Key == 0 ? 1 : 0;
            Assert.Equal(Enumerable.Range(start, all.Length).Select(i => (long)i), all);
            Assert.Equal(start + all.Length, store.GetMaxOffset("sync", queue.Key));
        }

        Assert.Equal(store.CommitLogMaxOffset, store.Statistics.FlushedOffset);
    }

    [Fact]
    public async Task Messages_arrived_fires_for_the_queue_that_received_messages()
    {
        var store = await OpenAsync();
        var arrived = new ConcurrentQueue<(string Topic, int QueueId)>();
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.MessagesArrived += (topic, queueId) =>
        {
            arrived.Enqueue((topic, queueId));
            if (topic == "notify" && queueId == 3 && store.GetMaxOffset(topic, queueId) == 2)
            {
                signal.TrySetResult();
            }
        };

        await PutAllAsync(store, [Message("notify", 3, "a"), Message("notify", 3, "b")]);

        await signal.Task.WaitAsync(Timeout, Ct);
        Assert.All(arrived, a => Assert.Equal(("notify", 3), a));
    }

    [Fact]
    public async Task Body_over_max_message_size_is_rejected_naming_max_message_size()
    {
        var store = await OpenAsync(Options() with { MaxMessageSize = 1024 });

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.PutMessagesAsync([SizedMessage("big", 0, 1, 1025)], Ct));

        Assert.Contains("maxMessageSize", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.GetMaxOffset("big", 0));
        Assert.Equal(0, (await PutAsync(store, SizedMessage("big", 0, 2, 1024))).QueueOffset);
    }

    [Fact]
    public async Task Message_larger_than_a_segment_is_rejected()
    {
        var store = await OpenAsync(Options(segmentSize: 4096));

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.PutMessagesAsync([SizedMessage("big", 0, 1, 5000)], Ct));

        Assert.Contains("mappedFileSizeCommitLog", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_topic_name_is_rejected_before_anything_is_written()
    {
        var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.PutMessagesAsync([Message("good", 0, "x"), Message("../escape", 0, "y")], Ct));

        Assert.Equal(0, store.GetMaxOffset("good", 0));
        Assert.Equal(0, store.CommitLogMaxOffset);
    }

    [Fact]
    public async Task A_batch_whose_write_failed_part_way_is_failed_and_not_recovered_by_a_restart_after_a_kill()
    {
        // The batch spans two segments; its write into the second fails, as on a full disk, after the first went through.
        var store = await OpenAsync(beforeWrite: offset =>
        {
            if (offset >= SmallSegmentSize)
            {
                throw new IOException("No space left on device");
            }
        });
        await PutAsync(store, Message("filling", 0, "kept"));
        var batch = Enumerable.Range(0, 70).Select(i => SizedMessage("filling", 0, i, 1024)).ToArray();

        await Assert.ThrowsAsync<IOException>(() => PutAllAsync(store, batch));
        var restarted = await OpenAsync(Options() with { StorePathRootDir = CopyAsKilled() });
        await PutAsync(store, Message("filling", 0, "after"));

        Assert.Equal(["kept"], Bodies(restarted, "filling"));
        Assert.Equal(["kept", "after"], Bodies(store, "filling"));
    }

    private static string[] Bodies(IMessageStore store, string topic) =>
        [.. ReadEntries(store, topic, 0).Select(entry => Encoding.UTF8.GetString(store.ReadMessage(entry)!.Body.Span))];

    [Fact]
    public async Task Put_after_dispose_throws_object_disposed()
    {
        var store = await OpenAsync();
        await CloseAsync(store);

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.PutMessagesAsync([Message("t", 0, "x")], Ct));
    }

    [Fact]
    public async Task Second_store_on_the_same_folder_is_refused()
    {
        await OpenAsync();

        var error = await Assert.ThrowsAsync<IOException>(() => OpenAsync());

        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }
}
