namespace RocketTax.Bench;

/// <summary>One produce-throughput run.</summary>
public sealed record ProduceOptions
{
    public string FlushDiskType { get; init; } = "ASYNC_FLUSH";

    public int Senders { get; init; } = 64;

    public int Messages { get; init; } = 200_000;

    public int BodySize { get; init; } = 1024;

    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(60);

    public string OutputDirectory { get; init; } = Path.Combine("bench", "results");
}
