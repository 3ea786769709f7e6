using System.Diagnostics.CodeAnalysis;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>
/// SYNC_FLUSH's group commit, as RocketMQ's GroupCommitService: the appender hands each batch it wrote over and goes on
/// with the next, while a thread of its own fsyncs everything handed over since its last fsync in one go and then
/// commits those puts. Batch N+1 is so written while batch N is being fsynced, and one fsync covers every batch
/// written while the one before it ran.
/// </summary>
/// <remarks>
/// An fsync blocks for milliseconds, at times tens of them: on the appender it would hold every send behind it (and
/// count as their wait in the send queue), and on a thread-pool thread it would take one of a 2-core broker's two.
/// </remarks>
internal sealed class GroupCommitService : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly AutoResetEvent _handedOver = new(initialState: false);
    private readonly Action<CommitGroup> _sync;
    private readonly Action<CommitGroup> _commit;
    private readonly Action<CommitGroup, Exception> _fail;
    private CommitGroup _waiting = new();
    private CommitGroup _syncing = new();
    private Exception? _failure;
    private bool _stopping;
    private Task _thread = Task.CompletedTask;

    private GroupCommitService(Action<CommitGroup> sync, Action<CommitGroup> commit, Action<CommitGroup, Exception> fail)
    {
        _sync = sync;
        _commit = commit;
        _fail = fail;
    }

    /// <summary>Starts the flushing thread.</summary>
    /// <param name="sync">Fsyncs a group's bytes; throws when they may not be on disk.</param>
    /// <param name="commit">Answers a group's puts once they are on disk.</param>
    /// <param name="fail">Answers a group's puts when their fsync failed.</param>
    public static GroupCommitService Start(Action<CommitGroup> sync, Action<CommitGroup> commit, Action<CommitGroup, Exception> fail)
    {
        var service = new GroupCommitService(sync, commit, fail);
        service._thread = Task.Factory.StartNew(service.Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return service;
    }

    /// <summary>
    /// Hands a written batch over to the next fsync (appender only). Refused with the error when an fsync failed since
    /// the appender last asked: the batch was written behind bytes no fsync covered, and the appender must rewind.
    /// </summary>
    public bool TryHandOver(CommitGroup batch, [NotNullWhen(false)] out Exception? failure)
    {
        lock (_lock)
        {
            if (TakeFailure(out failure))
            {
                return false;
            }

            _waiting.Absorb(batch);
        }

        _handedOver.Set();
        return true;
    }

    /// <summary>The error of an fsync that failed since the appender last asked (appender only): it must rewind first.</summary>
    public bool TryTakeFailure([NotNullWhen(true)] out Exception? failure)
    {
        lock (_lock)
        {
            return TakeFailure(out failure);
        }
    }

    /// <summary>Fsyncs and commits what was handed over, then stops the thread; call it once the appender stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _stopping = true;
        }

        _handedOver.Set();
        await _thread.ConfigureAwait(false);
        _handedOver.Dispose();
    }

    private bool TakeFailure([NotNullWhen(true)] out Exception? failure)
    {
        failure = _failure;
        _failure = null;
        return failure is not null;
    }

    private void Run()
    {
        while (true)
        {
            _handedOver.WaitOne();
            bool stopping;
            lock (_lock)
            {
                (_waiting, _syncing) = (_syncing, _waiting);
                stopping = _stopping;
            }

            if (!_syncing.IsEmpty)
            {
                SyncAndCommit();
                _syncing.Clear();
            }

            if (stopping)
            {
                return;
            }
        }
    }

    private void SyncAndCommit()
    {
        try
        {
            _sync(_syncing);
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                // What was handed over meanwhile lies behind the bytes this fsync left uncovered, so no fsync covers
                // it either; the appender rewinds over all of it before it writes again.
                _syncing.Absorb(_waiting);
                _waiting.Clear();
                _failure = ex;
            }

            _fail(_syncing, ex);
            return;
        }

        _commit(_syncing);
    }
}
