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
    DateTimeOffset At,
    double BenchCpuSeconds = 0)
{
    public double MessagesPerSecond => Count / Elapsed.TotalSeconds;

    /// <summary>A result from recorded latencies and the CPU used since <paramref name="cpuBefore"/>; no broker when it runs elsewhere.</summary>
    public static ProduceResult Measured(
        string scenario, string setting, long count, long failed, TimeSpan elapsed, LatencyRecorder latencies, ProcessResources? broker, CpuMark cpuBefore) =>
        Measured(scenario, setting, count, failed, elapsed, latencies.Percentiles(), broker, cpuBefore);

    /// <summary>A result from the given latency percentiles and the CPU used since <paramref name="cpuBefore"/>.</summary>
    public static ProduceResult Measured(
        string scenario, string setting, long count, long failed, TimeSpan elapsed, (double P50, double P99, double P999) latencies, ProcessResources? broker, CpuMark cpuBefore)
    {
        var cpu = CpuMark.Since(cpuBefore, broker);
        return new ProduceResult(scenario, setting, count, failed, elapsed, latencies.P50, latencies.P99, latencies.P999,
            broker?.PeakRssBytes() ?? 0, cpu.BrokerSeconds, DateTimeOffset.UtcNow, cpu.BenchSeconds);
    }

    public string ToMarkdownRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Scenario} | {Setting} | {Count:N0} | {MessagesPerSecond:N0} msg/s | {P50Millis:F2} / {P99Millis:F2} / {P999Millis:F2} ms | {BrokerPeakRssBytes / (1024 * 1024)} MB | {BrokerCpuSeconds:F1} s | {BenchCpuSeconds:F1} s | {Failed} |");

    public const string MarkdownHeader =
        "| scenario | setting | messages | throughput | latency p50 / p99 / p99.9 | broker peak RSS | broker CPU | bench CPU | failed |\n|---|---|---|---|---|---|---|---|---|";
}
