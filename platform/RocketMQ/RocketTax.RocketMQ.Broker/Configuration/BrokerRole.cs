namespace RocketTax.RocketMQ.Broker.Configuration;

/// <summary>RocketMQ's <c>brokerRole</c>: how a master replicates to its slaves (this broker runs masters only).</summary>
public enum BrokerRole
{
    AsyncMaster,
    SyncMaster,
    Slave,
}
