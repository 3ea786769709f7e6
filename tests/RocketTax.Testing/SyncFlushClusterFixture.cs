namespace RocketTax.Testing;

/// <summary>
/// The 2m-noslave cluster with <c>flushDiskType=SYNC_FLUSH</c> on both masters: a send answered OK is on disk,
/// so a broker killed with <c>kill -9</c> and restarted still holds it. Failover tests use it.
/// </summary>
public sealed class SyncFlushClusterFixture : ClusterFixture
{
    protected override BrokerOptions BrokerOptionsFor(string brokerName) =>
        base.BrokerOptionsFor(brokerName) with { FlushDiskType = "SYNC_FLUSH" };
}
