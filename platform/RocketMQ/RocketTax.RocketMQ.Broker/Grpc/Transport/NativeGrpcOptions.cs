namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>Limits of the native gRPC transport: what it announces to clients and what it accepts from them.</summary>
public sealed record NativeGrpcOptions
{
    /// <summary>Streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); Kestrel's limit on this port was the same.</summary>
    public int MaxConcurrentStreams { get; init; } = 1024;

    /// <summary>What each stream may send before the broker's WINDOW_UPDATE: larger than HTTP/2's 64 KiB, so a batch send needs no round trip.</summary>
    public int StreamReceiveWindow { get; init; } = 1024 * 1024;

    /// <summary>What the whole connection may send before the broker's WINDOW_UPDATE.</summary>
    public int ConnectionReceiveWindow { get; init; } = 4 * 1024 * 1024;

    /// <summary>The largest request message accepted; a larger one is answered RESOURCE_EXHAUSTED. Null: no limit.</summary>
    public int? MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>The largest header block (HEADERS and its CONTINUATIONs) accepted, compressed and decoded.</summary>
    public int MaxHeaderBlockSize { get; init; } = 64 * 1024;
}
