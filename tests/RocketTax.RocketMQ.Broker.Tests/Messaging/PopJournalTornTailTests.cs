using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>
/// A kill -9 can cut the consumer-progress journal's last write short. Regression: the torn line was read as a
/// record when it still parsed (<c>A g t 3 12</c> cut to <c>A g t 3 1</c> acked offset 1, which may be a message
/// nobody consumed), and the next append ran into it, so the first record after the restart was lost.
/// </summary>
public sealed class PopJournalTornTailTests : IDisposable
{
    private static readonly ConsumerQueueKey Key = new("group", "topic", 3);

    private readonly string _root = Directory.CreateTempSubdirectory("rockettax-journal-").FullName;

    private string JournalPath => Path.Combine(_root, "config", "pop.journal");

    [Fact]
    public async Task A_torn_last_line_is_not_replayed_and_the_next_append_is()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(JournalPath)!);
        var tornAck = PopJournal.Ack(Key, 12)[..^1];
        await File.WriteAllTextAsync(JournalPath, PopJournal.Next(Key, 20) + "\n" + tornAck, TestContext.Current.CancellationToken);

        var journal = NewJournal();
        var replayed = journal.Replay().ToList();
        journal.Start(() => []);
        journal.Append(PopJournal.Ack(Key, 13));
        await journal.DisposeAsync();

        Assert.Equal([new JournalRecord('N', Key, 20, 0, 0, 0)], replayed);
        Assert.Equal(
            [new JournalRecord('N', Key, 20, 0, 0, 0), new JournalRecord('A', Key, 13, 0, 0, 0)],
            NewJournal().Replay().ToList());
    }

    [Fact]
    public async Task A_journal_ending_in_a_whole_line_is_replayed_unchanged()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(JournalPath)!);
        var text = PopJournal.Next(Key, 20) + "\n" + PopJournal.Pop(Key, 20, 1, 1_000, 900) + "\n";
        await File.WriteAllTextAsync(JournalPath, text, TestContext.Current.CancellationToken);

        var replayed = NewJournal().Replay().ToList();

        Assert.Equal([new JournalRecord('N', Key, 20, 0, 0, 0), new JournalRecord('P', Key, 20, 1, 1_000, 900)], replayed);
        Assert.Equal(text, await File.ReadAllTextAsync(JournalPath, TestContext.Current.CancellationToken));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private PopJournal NewJournal() => new(_root, TimeSpan.FromMilliseconds(10), TimeProvider.System, NullLogger<PopJournal>.Instance);
}
