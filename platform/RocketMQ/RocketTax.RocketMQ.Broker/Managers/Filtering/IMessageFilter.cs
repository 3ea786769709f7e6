using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers.Filtering;

/// <summary>A consumer's subscription expression as the broker evaluates it while popping.</summary>
public interface IMessageFilter
{
    /// <summary>A cheap first check on a consume-queue entry's tag hash; true means the message must be read and checked.</summary>
    bool MayMatch(long tagHashCode);

    /// <summary>True when the consumer wants the message.</summary>
    bool Matches(StoredMessage message);
}
