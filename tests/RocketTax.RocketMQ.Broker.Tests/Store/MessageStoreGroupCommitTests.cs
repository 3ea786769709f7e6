using System.Text;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>
/// SYNC_FLUSH's group commit: the appender writes the next batches while an fsync runs, one fsync covers every batch
/// appended before it started, a put is answered and readable only once an fsync covered it, a failed fsync fails
/// exactly the puts no fsync covered (and a restart after a kill never brings them back), and disposal waits for the fsync
/// in flight.
/// </summary>
public sealed class MessageStoreGroupCommitTests : MessageStoreTestBase
{
    private const string Topic = "group-commit";

    [Fact]
    public async Task Appender_admits_and_writes_the_next_send_while_an_fsync_is_held()
    {
        using var gate = new GroupCommitGate();
        var store = await OpenSyncFlushAsync(gate);
        var (first, _) = await SendHeldAsync(store, gate, "first");

        var second = await SendBehindAsync(store, "second");

        Assert.Equal(0, store.QueuedSends);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Equal(0, store.GetMaxOffset(Topic, 0));
        Assert.Equal(0, store.CommitLogMaxOffset);
        Assert.Equal(0, store.Statistics.FlushedOffset);

        gate.Release();
        var results = await Task.WhenAll(first, second).WaitAsync(Timeout, Ct);
        Assert.Equal([0, 1], results.Select(r => r[0].QueueOffset));
        Assert.Equal(["first", "second"], Bodies(store));
        Assert.Equal(store.AppendedOffset, store.CommitLogMaxOffset);
        Assert.Equal(store.CommitLogMaxOffset, store.Statistics.FlushedOffset);
        Assert.Equal(0, store.Statistics.SendsRefused);
    }

    [Fact]
    public async Task One_fsync_covers_every_batch_appended_while_the_last_one_ran()
    {
        using var gate = new GroupCommitGate();
        var store = await OpenSyncFlushAsync(gate);
        var (first, firstEnd) = await SendHeldAsync(store, gate, "first");
        var second = await SendBehindAsync(store, "second");
        var third = await SendBehindAsync(store, "third");

        Assert.False(second.IsCompleted || third.IsCompleted);
        gate.Release();
        var results = await Task.WhenAll(first, second, third).WaitAsync(Timeout, Ct);

        Assert.Equal([firstEnd, store.CommitLogMaxOffset], gate.Syncs);
        Assert.Equal([0, 1, 2], results.Select(r => r[0].QueueOffset));
        Assert.Equal(["first", "second", "third"], Bodies(store));
        Assert.Equal(store.CommitLogMaxOffset, store.Statistics.FlushedOffset);
        Assert.Equal(3, store.Statistics.MessagesPut);
    }

    [Fact]
    public async Task Failed_fsync_fails_exactly_the_sends_no_fsync_covered_and_the_next_send_takes_their_place()
    {
        using var gate = new GroupCommitGate();
        var store = await OpenSyncFlushAsync(gate);
        var covered = (await SendTask(store, "covered").WaitAsync(Timeout, Ct))[0];
        var coveredEnd = covered.CommitLogOffset + covered.Size;
        var (held, _) = await SendHeldAsync(store, gate, "held");
        var behind = await SendBehindAsync(store, "behind");

        gate.Fail(new IOException("Input/output error"));

        var heldError = await Assert.ThrowsAsync<IOException>(() => held.WaitAsync(Timeout, Ct));
        var behindError = await Assert.ThrowsAsync<IOException>(() => behind.WaitAsync(Timeout, Ct));
        Assert.Contains("Input/output error", heldError.Message, StringComparison.Ordinal);
        Assert.Contains("were not stored", behindError.Message, StringComparison.Ordinal);
        Assert.Contains(Logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Appending 2 message(s) failed", StringComparison.Ordinal));
        Assert.Equal(coveredEnd, store.CommitLogMaxOffset);
        Assert.Equal(coveredEnd, store.Statistics.FlushedOffset);
        Assert.Equal(["covered"], Bodies(store));

        var after = (await SendTask(store, "after").WaitAsync(Timeout, Ct))[0];
        Assert.Equal(1, after.QueueOffset);
        Assert.Equal(coveredEnd, after.CommitLogOffset);
        Assert.Equal(["covered", "after"], Bodies(store));
        Assert.Equal(store.CommitLogMaxOffset, store.Statistics.FlushedOffset);
    }

    [Fact]
    public async Task Sends_failed_by_a_failed_fsync_are_not_recovered_by_a_restart_after_a_kill()
    {
        using var gate = new GroupCommitGate();
        var store = await OpenSyncFlushAsync(gate);
        await FailFsyncAfterCoveredAsync(store, gate, "held");

        var restarted = await RestartAfterKillAsync();
        Assert.Equal(["covered"], Bodies(restarted));
        Assert.Equal(1, restarted.GetMaxOffset(Topic, 0));
    }

    [Fact]
    public async Task Restart_after_a_kill_recovers_the_sends_that_took_the_failed_ones_place_and_none_of_the_failed()
    {
        using var gate = new GroupCommitGate();
        var store = await OpenSyncFlushAsync(gate);
        // As long as "after": its entry ends where the failed "behind" starts, so only a cut keeps "behind" away.
        await FailFsyncAfterCoveredAsync(store, gate, "held!");

        await SendTask(store, "after").WaitAsync(Timeout, Ct);

        var restarted = await RestartAfterKillAsync();
        Assert.Equal(["covered", "after"], Bodies(restarted));
    }

    [Fact]
    public async Task Dispose_during_an_fsync_waits_for_it_and_completes_every_send()
    {
        using var gate = new GroupCommitGate();
        var store = await OpenSyncFlushAsync(gate);
        var (first, _) = await SendHeldAsync(store, gate, "first");
        var second = await SendBehindAsync(store, "second");

        var disposing = store.DisposeAsync().AsTask();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => SendTask(store, "too late"));
        Assert.False(disposing.IsCompleted);
        gate.Release();
        await disposing.WaitAsync(Timeout, Ct);

        var results = await Task.WhenAll(first, second).WaitAsync(Timeout, Ct);
        Assert.Equal([0, 1], results.Select(r => r[0].QueueOffset));
        var reopened = await OpenAsync(Options(FlushDiskType.SyncFlush));
        Assert.Equal(["first", "second"], Bodies(reopened));
    }

    /// <summary>
    /// Sends "covered" (answered), then <paramref name="heldBody"/> and "behind", and fails the fsync that covers them;
    /// returns once both are answered as failed.
    /// </summary>
    private static async Task FailFsyncAfterCoveredAsync(MessageStore store, GroupCommitGate gate, string heldBody)
    {
        await SendTask(store, "covered").WaitAsync(Timeout, Ct);
        var (held, _) = await SendHeldAsync(store, gate, heldBody);
        var behind = await SendBehindAsync(store, "behind");

        gate.Fail(new IOException("Input/output error"));
        await Assert.ThrowsAsync<IOException>(() => held.WaitAsync(Timeout, Ct));
        await Assert.ThrowsAsync<IOException>(() => behind.WaitAsync(Timeout, Ct));
    }

    /// <summary>Opens a SYNC_FLUSH store on the files a kill -9 of the running store would leave now.</summary>
    private Task<MessageStore> RestartAfterKillAsync() =>
        OpenAsync(Options(FlushDiskType.SyncFlush) with { StorePathRootDir = CopyAsKilled() });

    /// <summary>A SYNC_FLUSH store whose group-commit fsyncs pass <paramref name="gate"/>; its clock stands still, so no send waits too long.</summary>
    private Task<MessageStore> OpenSyncFlushAsync(GroupCommitGate gate) =>
        OpenAsync(Options(FlushDiskType.SyncFlush), new ManualClock(), gate.BeforeSync);

    /// <summary>Sends a message and holds its fsync; returns the send and the commit-log end the held fsync covers.</summary>
    private static async Task<(Task<IReadOnlyList<PutResult>> Send, long End)> SendHeldAsync(MessageStore store, GroupCommitGate gate, string body)
    {
        gate.HoldNext();
        var send = SendTask(store, body);
        return (send, await gate.HeldAsync(Ct));
    }

    /// <summary>Sends a message and waits until the appender has written it and handed it to the group commit.</summary>
    private static async Task<Task<IReadOnlyList<PutResult>>> SendBehindAsync(MessageStore store, string body)
    {
        var appended = store.AppendedOffset;
        var send = SendTask(store, body);
        await Eventually.TrueAsync(() => store.AppendedOffset > appended, Timeout, $"the appender to write past commit-log offset {appended}", Ct);
        return send;
    }

    private static Task<IReadOnlyList<PutResult>> SendTask(IMessageStore store, string body) =>
        store.PutSendAsync([Message(Topic, 0, body)], Ct).AsTask();

    private static string[] Bodies(IMessageStore store) =>
        [.. ReadEntries(store, Topic, 0).Select(entry => Encoding.UTF8.GetString(store.ReadMessage(entry)!.Body.Span))];
}
