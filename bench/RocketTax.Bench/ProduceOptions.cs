using ClientGrpcTransport = RocketTax.RocketMQ.Client.GrpcTransport;

namespace RocketTax.Bench;

/// <summary>One produce-throughput run.</summary>
public sealed record ProduceOptions
{
    public const string DefaultGrpcTransport = "native";

    public string FlushDiskType { get; init; } = "ASYNC_FLUSH";

    /// <summary>The broker's <c>grpcTransport</c>: <c>kestrel</c> or <c>native</c>.</summary>
    public string GrpcTransport { get; init; } = DefaultGrpcTransport;

    public int Senders { get; init; } = 64;

    public int Messages { get; init; } = 200_000;

    /// <summary>Messages sent before measuring, so JIT tiering and first file creation are not in the figures.</summary>
    public int Warmup { get; init; } = 50_000;

    /// <summary>
    /// How long the warm-up lasts at least, in messages beyond <see cref="Warmup"/> if need be. A fresh broker spends
    /// its first seconds under load recompiling its hot paths (tiered JIT), more than 50,000 messages take on two cores.
    /// </summary>
    public TimeSpan WarmupTime { get; init; } = TimeSpan.FromSeconds(10);

    public int BodySize { get; init; } = 1024;

    /// <summary>Messages per SendMessage request (1 = single sends, as RocketMQ's producer.sh).</summary>
    public int Batch { get; init; } = 1;

    /// <summary>How remoting sends serialize their header: <c>JSON</c> (4.x producers' default) or <c>ROCKETMQ</c> (binary).</summary>
    public string SerializeType { get; init; } = "JSON";

    /// <summary>Offered load of the paced scenarios, in messages per second.</summary>
    public int Rate { get; init; } = 5_000;

    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>What carries the senders' gRPC calls: the client's own HTTP/2 invoker (default) or Grpc.Net.Client.</summary>
    public ClientGrpcTransport GrpcClient { get; init; } = ClientGrpcTransport.Native;

    /// <summary>For result labels: which gRPC stacks ran, when not the defaults (native at both ends).</summary>
    public string GrpcStackNote => (GrpcTransport, GrpcClient) switch
    {
        (DefaultGrpcTransport, ClientGrpcTransport.Native) => string.Empty,
        var (broker, client) => $", {broker} broker, {(client == ClientGrpcTransport.Native ? "native" : "Grpc.Net.Client")} sender",
    };

    /// <summary>An already running broker (ours or Apache RocketMQ's proxy) to measure instead of starting one.</summary>
    public string? Endpoint { get; init; }

    public string OutputDirectory { get; init; } = Path.Combine("bench", "results");
}
