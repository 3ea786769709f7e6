namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>A delivered, not yet acknowledged message: invisible until <see cref="VisibleAt"/> (Unix ms).</summary>
internal sealed class InFlightMessage(int attempt, long visibleAt, long popTime)
{
    public int Attempt { get; set; } = attempt;

    public long VisibleAt { get; set; } = visibleAt;

    public long PopTime { get; set; } = popTime;
}
