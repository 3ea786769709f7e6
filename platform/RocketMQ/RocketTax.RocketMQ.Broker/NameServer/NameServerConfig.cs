namespace RocketTax.RocketMQ.Broker.NameServer;

/// <summary>What <c>mqnamesrv</c> runs with, under RocketMQ's key names where RocketMQ has one.</summary>
public sealed record NameServerConfig
{
    /// <summary>The remoting port brokers and tools connect to.</summary>
    public int ListenPort { get; init; } = 9876;

    /// <summary>A broker not heard from for this long is dropped from routes (RocketMQ: 120 s).</summary>
    public long BrokerExpiredMillis { get; init; } = 120_000;

    /// <summary>How often expired brokers are looked for (RocketMQ's <c>scanNotActiveBrokerInterval</c>).</summary>
    public long ScanNotActiveBrokerInterval { get; init; } = 5_000;

    /// <summary>Where the configuration came from, for messages.</summary>
    public string Source { get; init; } = "(defaults)";
}
