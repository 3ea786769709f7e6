namespace RocketTax.RocketMQ.Console.Admin;

/// <summary>One broker as the cluster page shows it, from the name servers' cluster info and its <c>GET_BROKER_RUNTIME_INFO</c>.</summary>
public sealed record BrokerState
{
    public required string Cluster { get; init; }

    public required string BrokerName { get; init; }

    public long BrokerId { get; init; }

    public required string Address { get; init; }

    public string? Version { get; init; }

    /// <summary>Messages stored per second over the last 10 s.</summary>
    public double PutTps { get; init; }

    public long MessagesPutToday { get; init; }

    /// <summary>Used fraction of the disk holding the commit log (0..1).</summary>
    public double DiskRatio { get; init; }

    /// <summary>The broker's own words, e.g. <c>Total : 98.00 GiB, Free : 12.00 GiB.</c></summary>
    public string? DiskCapacity { get; init; }

    public string? Runtime { get; init; }

    /// <summary>Why the runtime figures are missing: the broker did not answer.</summary>
    public string? Error { get; init; }
}
