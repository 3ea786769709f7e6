using System.Runtime.ExceptionServices;

namespace RocketTax.RocketMQ.Http2;

/// <summary>
/// What may still be sent on a connection or a stream before the peer's next WINDOW_UPDATE. Thread-safe. A sender of n bytes
/// takes from the stream's window, then as much of that from the connection's, and gives the stream back what it did not get.
/// </summary>
public sealed class Http2SendWindow(int initialSize)
{
    private readonly Lock _gate = new();
    private long _available = initialSize;
    private TaskCompletionSource? _opened;
    private Exception? _aborted;

    /// <summary>What may be sent now; negative after a SETTINGS change shrank the window below what was in flight.</summary>
    public int Available
    {
        get
        {
            lock (_gate)
            {
                return (int)_available;
            }
        }
    }

    /// <summary>Waits until the window is positive, then takes up to <paramref name="wanted"/> bytes of it and returns how many (at least 1).</summary>
    public ValueTask<int> TakeAsync(int wanted, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wanted);
        lock (_gate)
        {
            if (_aborted is null && _available > 0)
            {
                return ValueTask.FromResult(Take(wanted));
            }
        }

        return WaitAndTakeAsync(wanted, cancellationToken);
    }

    /// <summary>
    /// Moves the window: a WINDOW_UPDATE, a change of SETTINGS_INITIAL_WINDOW_SIZE (possibly negative), or bytes taken and not
    /// sent. Past 2^31-1 it is a FLOW_CONTROL_ERROR (the caller knows whether of the stream or of the connection).
    /// </summary>
    public void Add(int delta)
    {
        TaskCompletionSource? opened = null;
        lock (_gate)
        {
            var next = _available + delta;
            if (next > Http2Frames.MaxWindowSize)
            {
                throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, $"a window of {_available} grown by {delta} is over 2^31-1");
            }

            _available = next;
            if (_available > 0)
            {
                (opened, _opened) = (_opened, null);
            }
        }

        opened?.TrySetResult();
    }

    /// <summary>Fails every waiting and every later <see cref="TakeAsync"/> with <paramref name="error"/>: the stream or connection is gone.</summary>
    public void Abort(Exception error)
    {
        TaskCompletionSource? opened;
        lock (_gate)
        {
            _aborted ??= error;
            (opened, _opened) = (_opened, null);
        }

        opened?.TrySetResult();
    }

    private async ValueTask<int> WaitAndTakeAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task opened;
            lock (_gate)
            {
                if (_aborted is not null)
                {
                    ExceptionDispatchInfo.Throw(_aborted);
                }

                if (_available > 0)
                {
                    return Take(wanted);
                }

                _opened ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                opened = _opened.Task;
            }

            await opened.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private int Take(int wanted)
    {
        var taken = (int)Math.Min(wanted, _available);
        _available -= taken;
        return taken;
    }
}
