using System.Globalization;

namespace RocketTax.Bench;

/// <summary>What one run measured; <see cref="Setting"/> says under which conditions.</summary>
public sealed record ProduceResult(
    string Scenario,
    string Setting,
    long Count,
    long Failed,
    TimeSpan Elapsed,
    double P50Millis,
    double P99Millis,
    double P999Millis,
    long BrokerPeakRssBytes,
    double BrokerCpuSeconds,
    DateTimeOffset At)
{
    public double MessagesPerSecond => Count / Elapsed.TotalSeconds;

    /// <summary>A result from recorded latencies and the broker's resources since <paramref name="cpuBefore"/>; no broker when it runs elsewhere.</summary>
    public static ProduceResult Measured(
        string scenario, string setting, long count, long failed, TimeSpan elapsed, LatencyRecorder latencies, ProcessResources? broker, double cpuBefore)
    {
        var (p50, p99, p999) = latencies.Percentiles();
        return new ProduceResult(scenario, setting, count, failed, elapsed, p50, p99, p999,
            broker?.PeakRssBytes() ?? 0, (broker?.CpuSeconds() ?? 0) - cpuBefore, DateTimeOffset.UtcNow);
    }

    public string ToMarkdownRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Scenario} | {Setting} | {Count:N0} | {MessagesPerSecond:N0} msg/s | {P50Millis:F2} / {P99Millis:F2} / {P999Millis:F2} ms | {BrokerPeakRssBytes / (1024 * 1024)} MB | {BrokerCpuSeconds:F1} s | {Failed} |");

    public const string MarkdownHeader =
        "| scenario | setting | messages | throughput | latency p50 / p99 / p99.9 | broker peak RSS | broker CPU | failed |\n|---|---|---|---|---|---|---|---|";
}
