namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>A clock stopped at a chosen instant, moved only by <see cref="Advance"/>; timers still run on real time.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    private long _elapsedTicks;

    public override DateTimeOffset GetUtcNow() => now + TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _elapsedTicks, by.Ticks);
}
