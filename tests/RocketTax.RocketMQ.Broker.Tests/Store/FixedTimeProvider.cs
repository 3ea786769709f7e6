namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>A clock stopped at a chosen instant; timers still run on real time.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
