namespace RocketTax.Chaos.Harness;

/// <summary>One flow of test traffic: a topic, the consumer group reading it, and whether it is FIFO (sent in message groups).</summary>
public sealed record TrafficStream(string Topic, string ConsumerGroup, bool Fifo = false)
{
    /// <summary>Message groups a FIFO stream spreads its messages over.</summary>
    public const int MessageGroups = 4;
}
