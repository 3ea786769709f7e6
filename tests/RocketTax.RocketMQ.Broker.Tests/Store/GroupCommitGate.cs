using System.Collections.Concurrent;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>
/// Stands before the store's SYNC_FLUSH group-commit fsync: records the commit-log end each fsync covers, and holds the
/// next one until the test releases it or fails it, as a slow or failing disk would.
/// </summary>
public sealed class GroupCommitGate : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<long> _syncs = new();
    private readonly TaskCompletionSource<long> _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception?> _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    /// <summary>The commit-log end each fsync covered, in order.</summary>
    public IReadOnlyCollection<long> Syncs => _syncs;

    /// <summary>Holds the next fsync (once).</summary>
    public void HoldNext() => Volatile.Write(ref _armed, 1);

    /// <summary>Completes with the commit-log end the held fsync covers once it is held.</summary>
    public Task<long> HeldAsync(CancellationToken cancellationToken) => _held.Task.WaitAsync(Limit, cancellationToken);

    /// <summary>Lets the held fsync run.</summary>
    public void Release() => _released.TrySetResult(null);

    /// <summary>Makes the held fsync fail with <paramref name="error"/>.</summary>
    public void Fail(Exception error) => _released.TrySetResult(error);

    public void Dispose() => Release();

    /// <summary>The store's hook, called on its flushing thread before each group-commit fsync.</summary>
    public void BeforeSync(long end)
    {
        _syncs.Enqueue(end);
        if (Interlocked.Exchange(ref _armed, 0) == 0)
        {
            return;
        }

        _held.TrySetResult(end);
        // Bounded, so a failing test cannot leave the store's fsync stuck for the rest of the run.
        if (_released.Task.Wait(Limit) && _released.Task.Result is { } error)
        {
            throw error;
        }
    }
}
