using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.Chaos.Harness;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.Chaos.Journal;

/// <summary>
/// Regression: the consumer-progress journal's writer used to stop for good on its first IOException while
/// Append kept queueing without bound, so acks were answered OK but never recorded. It must now refuse while
/// the disk refuses, keep its backlog bounded, and catch up once space returns.
/// </summary>
public sealed class PopJournalDiskFullTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Refuses_while_the_disk_is_full_and_catches_up_when_space_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        var (mount, reason) = await TmpfsMount.TryMountAsync(megabytes: 1, ct);
        Assert.SkipWhen(mount is null, reason ?? "");
        await using var disk = mount!;
        var key = new ConsumerQueueKey("group", "topic", 0);
        var journal = new PopJournal(disk.Path, TimeSpan.FromMilliseconds(10), TimeProvider.System, NullLogger<PopJournal>.Instance, maxPendingRecords: 50);
        journal.Start(() => []);
        journal.Append(PopJournal.Ack(key, 0));
        var filler = disk.Fill();

        // Enough records to overflow the writer's 64 KiB buffer, so the failure reaches the disk.
        var accepted = new List<long> { 0 };
        for (long offset = 1; journal.Failure is null && offset < 100_000; offset++)
        {
            if (TryAppend(journal, PopJournal.Ack(key, offset)))
            {
                accepted.Add(offset);
            }

            if (offset % 1_000 == 0)
            {
                await Task.Yield();
            }
        }

        await PollAsync(() => journal.Failure is not null, ct);
        var refused = Assert.Throws<PopJournalUnavailableException>(journal.EnsureAccepting);
        Assert.Contains("Free disk space", refused.Message, StringComparison.Ordinal);
        var overflowRefused = 0;
        for (long offset = 200_000; offset < 200_100; offset++)
        {
            if (TryAppend(journal, PopJournal.Ack(key, offset)))
            {
                accepted.Add(offset);
            }
            else
            {
                overflowRefused++;
            }
        }

        Assert.True(overflowRefused > 0, "Append queued 100 records past a bound of 50 while the disk was full.");

        File.Delete(filler);
        await PollAsync(() => journal.Failure is null, ct);
        journal.EnsureAccepting();
        await journal.DisposeAsync();

        var replayed = journal.Replay().Select(r => r.Offset).ToHashSet();
        Assert.All(accepted, offset => Assert.Contains(offset, replayed));
        // Each failed write used to leak its file handle, which kept the disk busy.
        Assert.True(await disk.UnmountAsync(ct), "The disk is still busy: the journal leaked a file handle.");
    }

    private static bool TryAppend(PopJournal journal, string line)
    {
        try
        {
            journal.Append(line);
            return true;
        }
        catch (PopJournalUnavailableException)
        {
            return false;
        }
    }

    private static async Task PollAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The journal did not reach the expected state within {Within}.");
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }
}
