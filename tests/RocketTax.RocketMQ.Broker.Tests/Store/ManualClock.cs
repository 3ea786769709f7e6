namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>A clock whose timestamps move only when the test says so; wall-clock time and timers stay real.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
