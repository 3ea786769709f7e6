using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Tests.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Diagnostics;

/// <summary>A repeated warning is let into the log a bounded number of times a window; the next one let through counts the rest.</summary>
public sealed class WarningThrottleTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    [Fact]
    public void Lets_the_limit_through_each_window_and_hands_the_held_back_count_to_the_next_one_let_through()
    {
        var clock = new FixedTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var throttle = new WarningThrottle(3, Window, clock);

        var first = Enumerable.Range(0, 3).Select(attempt => (Let: throttle.TryEnter(out var heldBack, out var last, out _), heldBack, last)).ToList();
        var heldBackLater = Enumerable.Range(0, 4).Count(attempt => !throttle.TryEnter(out _, out _, out _));
        clock.Advance(Window);
        var nextWindow = throttle.TryEnter(out var counted, out var nextLast, out var windowEnd);

        Assert.Equal([(true, 0L, false), (true, 0L, false), (true, 0L, true)], first);
        Assert.Equal(4, heldBackLater);
        Assert.True(nextWindow);
        Assert.Equal(4, counted);
        Assert.False(nextLast);
        Assert.Equal(clock.GetUtcNow() + Window, windowEnd);
    }
}
