namespace RocketTax.Testing;

/// <summary>How a test wants its <see cref="BrokerProcess"/>: the broker.properties knobs tests vary, nothing else.</summary>
public sealed record BrokerOptions
{
    /// <summary><c>flushDiskType</c>: <c>ASYNC_FLUSH</c> or <c>SYNC_FLUSH</c>.</summary>
    public string FlushDiskType { get; init; } = "ASYNC_FLUSH";

    /// <summary><c>autoCreateTopicEnable</c>: when true, unknown topics are created on first route query.</summary>
    public bool AutoCreateTopicEnable { get; init; } = true;

    /// <summary>
    /// <c>grpcTransport</c>: <c>kestrel</c> or <c>native</c>. Unset, the environment's <c>ROCKETTAX_GRPC_TRANSPORT</c> decides
    /// (so one suite runs against either transport), else the broker's default.
    /// </summary>
    public string GrpcTransport { get; init; } = Environment.GetEnvironmentVariable(GrpcTransportVariable) is { Length: > 0 } transport ? transport : "native";

    /// <summary>The environment variable that picks the gRPC transport of every broker a test starts without naming one.</summary>
    public const string GrpcTransportVariable = "ROCKETTAX_GRPC_TRANSPORT";

    /// <summary>More broker.properties entries; they override the defaults written by the fixture.</summary>
    public IReadOnlyDictionary<string, string> ExtraProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>True when <see cref="ExtraProperties"/> set <c>tlsServerMode=enforcing</c>: the gRPC port then speaks TLS only.</summary>
    public bool TlsOnly => ExtraProperties.TryGetValue("tlsServerMode", out var mode) && mode == "enforcing";

    /// <summary>How long to wait for <c>boot success</c> on the broker's stdout, and again for its first gRPC answer.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a graceful stop (SIGTERM) may take before the fixture gives up.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
