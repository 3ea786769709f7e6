namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// A group's progress on one queue. Every offset below <see cref="NextOffset"/> has been handed out or
/// filtered; those still in <see cref="InFlight"/> await their ack, the rest are done.
/// </summary>
internal sealed class ConsumerQueueState(ConsumerQueueKey key, long nextOffset)
{
    public ConsumerQueueKey Key { get; } = key;

    public Lock Gate { get; } = new();

    public long NextOffset { get; set; } = nextOffset;

    public SortedDictionary<long, InFlightMessage> InFlight { get; } = [];

    /// <summary>The queue's start (min offset) when <see cref="InFlight"/> was last cleared of messages retention deleted.</summary>
    public long RetentionCheckedTo { get; set; }

    /// <summary>Every offset below this one is done: RocketMQ's consumer offset.</summary>
    public long ConsumeOffset
    {
        get
        {
            foreach (var offset in InFlight.Keys)
            {
                return offset;
            }

            return NextOffset;
        }
    }
}
