namespace RocketTax.Chaos.Harness;

/// <summary>What a run's checker saw: every figure a reader of the README's table needs.</summary>
public sealed record DeliveryReport(
    int Acknowledged,
    int Consumed,
    int Lost,
    int Duplicated,
    int OutOfOrder,
    int UnacknowledgedButDelivered,
    IReadOnlyList<string> UnexplainedDeliveries,
    IReadOnlyList<string> LostSample,
    IReadOnlyList<string> OutOfOrderSample)
{
    public override string ToString() =>
        $"acknowledged {Acknowledged}, consumed {Consumed}, lost {Lost}, duplicated {Duplicated}, out of order {OutOfOrder}, " +
        $"delivered without an acknowledged send {UnacknowledgedButDelivered}" +
        (UnexplainedDeliveries.Count > 0 ? $" (not sends the producer gave up on: {string.Join(", ", UnexplainedDeliveries)})" : string.Empty) +
        (LostSample.Count > 0 ? $"; lost e.g. {string.Join(", ", LostSample)}" : string.Empty) +
        (OutOfOrderSample.Count > 0 ? $"; out of order e.g. {string.Join(", ", OutOfOrderSample)}" : string.Empty);
}
