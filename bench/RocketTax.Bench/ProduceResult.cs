using System.Globalization;

namespace RocketTax.Bench;

/// <summary>What one produce run measured.</summary>
public sealed record ProduceResult(
    ProduceOptions Options,
    long Sent,
    long Failed,
    TimeSpan Elapsed,
    double P50Millis,
    double P99Millis,
    double P999Millis,
    long BrokerPeakRssBytes,
    double BrokerCpuSeconds,
    DateTimeOffset At)
{
    public double MessagesPerSecond => Sent / Elapsed.TotalSeconds;

    public string ToMarkdownRow() => string.Create(CultureInfo.InvariantCulture,
        $"| produce{(Options.Batch > 1 ? $" (batch {Options.Batch})" : string.Empty)} | {Options.FlushDiskType} | {Options.Senders} | {Options.BodySize} B | {Sent:N0} | {MessagesPerSecond:N0} msg/s | {P50Millis:F2} / {P99Millis:F2} / {P999Millis:F2} ms | {BrokerPeakRssBytes / (1024 * 1024)} MB | {BrokerCpuSeconds:F1} s | {Failed} |");

    public const string MarkdownHeader =
        "| scenario | flush | senders | body | sent | throughput | latency p50 / p99 / p99.9 | broker peak RSS | broker CPU | failed |\n|---|---|---|---|---|---|---|---|---|---|";
}
