using System.Diagnostics;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>
/// What readers see while the appender (or SYNC_FLUSH's group commit) publishes: a consume-queue entry a reader can
/// see points at commit-log bytes it can read. A consumer that saw an entry but not its message would skip it for good.
/// </summary>
public sealed class MessageStoreVisibilityTests : MessageStoreTestBase
{
    private const string Topic = "visibility";

    /// <summary>Queues each batch touches: the more queues one commit publishes, the longer its publication takes.</summary>
    private const int Queues = 512;

    private const int Batches = 100;

    [Theory]
    [InlineData(FlushDiskType.AsyncFlush)]
    [InlineData(FlushDiskType.SyncFlush)]
    public async Task Every_entry_a_consume_queue_shows_reads_back_from_the_commit_log(FlushDiskType flushDiskType)
    {
        var store = await OpenAsync(Options(flushDiskType, segmentSize: 64 * 1024 * 1024));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // A reader of its own, spinning on the queue each batch publishes first, reads each newest entry the moment it appears.
        var reader = Task.Factory.StartNew(() => ReadNewestEntries(store, stop.Token), stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            for (var batch = 0; batch < Batches && !reader.IsCompleted; batch++)
            {
                await PutAllAsync(store, [.. Enumerable.Range(0, Queues).Select(q => Message(Topic, q, $"b{batch}-q{q}"))]);
            }
        }
        finally
        {
            await stop.CancelAsync();
        }

        var (seen, unreadable) = await reader.WaitAsync(Timeout, Ct);
        Assert.True(unreadable is null, $"queue 0 showed the entry at offset {unreadable} before its message could be read ({seen} newest entries read)");
        Assert.True(seen > 0, "the reader never saw a new entry");
    }

    /// <summary>Reads queue 0's newest entry and its message each time the queue grows; the first offset whose message was unreadable, if any.</summary>
    private static (int Seen, long? Unreadable) ReadNewestEntries(MessageStore store, CancellationToken stop)
    {
        var entry = new ConsumeQueueEntry[1];
        var seen = 0;
        long max = 0;
        var limit = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && limit.Elapsed < TimeSpan.FromSeconds(60))
        {
            var now = store.GetMaxOffset(Topic, 0);
            if (now == max)
            {
                continue;
            }

            max = now;
            seen++;
            if (store.ReadQueueEntries(Topic, 0, max - 1, entry) != 1 || store.ReadMessage(entry[0]) is null)
            {
                return (seen, max - 1);
            }
        }

        return (seen, null);
    }
}
