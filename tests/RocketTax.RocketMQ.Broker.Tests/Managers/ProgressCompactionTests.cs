using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Tests.Managers;

/// <summary>
/// The append-only progress files (timer and transaction progress, the POP journal) are rewritten as a snapshot when
/// they grow: the snapshot replaces the file whole, and what is appended afterwards goes to the new file.
/// </summary>
public sealed class ProgressCompactionTests : IDisposable
{
    private static readonly ConsumerQueueKey Key = new("group", "topic", 3);

    private readonly string _root = Directory.CreateTempSubdirectory("rockettax-compaction-").FullName;

    private string ConfigDir => Path.Combine(_root, "config");

    [Fact]
    public void System_queue_progress_grown_past_its_threshold_is_rewritten_as_its_watermark()
    {
        var path = Path.Combine(ConfigDir, "timer.progress");
        using (var progress = new SystemQueueProgress(path))
        {
            // Everything above offset 0 is done: ~4.4 MB of lines, past the threshold, which compaction cannot shrink yet.
            progress.MarkDone([.. Enumerable.Range(1, 500_000).Select(o => (long)o)]);
            Assert.True(new FileInfo(path).Length > 4 * 1024 * 1024);

            progress.MarkDone(0);
            progress.MarkDone(500_001);
        }

        Assert.Equal("W 500001\nD 500001\n", File.ReadAllText(path));
        using var reopened = new SystemQueueProgress(path);
        Assert.Equal(500_002, reopened.Watermark);
        Assert.Equal([path], Directory.GetFiles(ConfigDir));
    }

    [Fact]
    public async Task A_pop_journal_grown_past_its_threshold_is_replaced_by_its_snapshot()
    {
        var journal = NewJournal();
        journal.Start(() => [PopJournal.Ack(Key, 1)]);
        var filler = new string('x', 1024 * 1024); // not a record: replay skips it
        for (var i = 0; i < 33; i++)
        {
            journal.Append(filler);
        }

        await journal.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var path = Path.Combine(ConfigDir, "pop.journal");
        Assert.True(new FileInfo(path).Length < 1024 * 1024);
        Assert.Equal([new JournalRecord('A', Key, 1, 0, 0, 0)], NewJournal().Replay().ToList());
        Assert.Equal([path], Directory.GetFiles(ConfigDir));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private PopJournal NewJournal() => new(_root, TimeSpan.FromMilliseconds(10), TimeProvider.System, NullLogger<PopJournal>.Instance);
}
