namespace RocketTax.RocketMQ.Broker.Diagnostics;

/// <summary>
/// Lets at most <see cref="Limit"/> occurrences of one kind of warning a <see cref="Window"/> into the log and counts the rest,
/// so a run of the same fault (a damaged stretch of the commit log read over and over) cannot flood it. The count held back
/// is handed to the next occurrence let through, which says it, so nothing goes unreported for longer than the fault lasts.
/// </summary>
public sealed class WarningThrottle(int limit, TimeSpan window, TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _windowEnd = DateTimeOffset.MinValue;
    private int _letThrough;
    private long _heldBack;

    public int Limit => limit;

    public TimeSpan Window => window;

    /// <summary>
    /// Whether this occurrence may be logged. When it may, <paramref name="heldBack"/> is how many were held back since the
    /// last one let through and <paramref name="last"/> says it is the window's last, after which occurrences are counted
    /// until <paramref name="windowEnd"/>.
    /// </summary>
    public bool TryEnter(out long heldBack, out bool last, out DateTimeOffset windowEnd)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (now >= _windowEnd)
            {
                _windowEnd = now + window;
                _letThrough = 0;
            }

            windowEnd = _windowEnd;
            if (_letThrough >= limit)
            {
                _heldBack++;
                heldBack = 0;
                last = false;
                return false;
            }

            _letThrough++;
            heldBack = _heldBack;
            _heldBack = 0;
            last = _letThrough == limit;
            return true;
        }
    }
}
