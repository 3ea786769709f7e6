using System.Globalization;

namespace RocketTax.Bench;

/// <summary>
/// Every scenario of the performance targets, one after another, each on a fresh broker: produce throughput by
/// senders, batching, flush type and body size over both protocols; send latency paced at three offered loads; end to
/// end at two; a push consumer draining a backlog. Writes <c>matrix.md</c> as each run ends, with the broker's CPU
/// seconds per million messages, so an interrupted matrix keeps the rows it finished.
/// </summary>
public static class ScenarioMatrix
{
    /// <summary>How long each paced run measures, unless <c>--seconds</c> asks for less.</summary>
    private static readonly TimeSpan PacedLength = TimeSpan.FromSeconds(20);

    public static async Task<IReadOnlyList<ProduceResult>> RunAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        var runs = Runs(options).ToArray();
        Directory.CreateDirectory(options.OutputDirectory);
        var table = Path.Combine(options.OutputDirectory, "matrix.md");
        File.WriteAllText(table, Header);
        var results = new List<ProduceResult>();
        foreach (var (index, (name, run)) in runs.Index())
        {
            Console.Error.WriteLine($"[{index + 1}/{runs.Length}] {name}");
            var result = await run(cancellationToken);
            results.Add(result);
            File.AppendAllText(table, Row(result));
        }

        Console.WriteLine(File.ReadAllText(table));
        return results;
    }

    /// <summary>
    /// The runs, from the base <paramref name="options"/>: <c>--messages</c> per closed-loop run (a tenth for a single
    /// sender, whose rate is a fraction), five times that as the backlog, <c>--rate</c> as the middle of the paced loads
    /// (a fifth and four times it beside), so <c>--messages 200000 --rate 5000</c> (the defaults) is the full size.
    /// </summary>
    private static IEnumerable<(string Name, Func<CancellationToken, Task<ProduceResult>> Run)> Runs(ProduceOptions options)
    {
        var asyncFlush = options with { FlushDiskType = "ASYNC_FLUSH", SerializeType = "ROCKETMQ", Batch = 1 };
        foreach (var senders in new[] { 1, 16, 64 })
        {
            var run = asyncFlush with { Senders = senders, Messages = senders == 1 ? Math.Max(1, options.Messages / 10) : options.Messages };
            foreach (var produce in BothProtocols(run))
            {
                yield return produce;
            }
        }

        foreach (var run in new[]
                 {
                     asyncFlush with { FlushDiskType = "SYNC_FLUSH", Senders = 64 },
                     asyncFlush with { Senders = 16, Batch = 32 },
                     asyncFlush with { FlushDiskType = "SYNC_FLUSH", Senders = 16, Batch = 32 },
                     asyncFlush with { Senders = 64, BodySize = 100 },
                     asyncFlush with { Senders = 64, BodySize = 16 * 1024 },
                 })
        {
            foreach (var produce in BothProtocols(run))
            {
                yield return produce;
            }
        }

        var paced = asyncFlush with { MaxDuration = options.MaxDuration < PacedLength ? options.MaxDuration : PacedLength };
        foreach (var rate in new[] { options.Rate / 5, options.Rate, options.Rate * 4 })
        {
            yield return ($"client-latency at {rate:N0} msg/s", token => ClientScenarios.SendLatencyAsync(paced with { Rate = Math.Max(1, rate) }, token));
        }

        foreach (var rate in new[] { options.Rate / 5, options.Rate })
        {
            yield return ($"e2e at {rate:N0} msg/s", token => ClientScenarios.EndToEndAsync(paced with { Rate = Math.Max(1, rate) }, token));
        }

        var backlog = asyncFlush with { Senders = 64, Messages = options.Messages * 5 };
        yield return ($"consume a backlog of {backlog.Messages:N0}", token => ClientScenarios.ConsumeBacklogAsync(backlog, token));
    }

    private static IEnumerable<(string Name, Func<CancellationToken, Task<ProduceResult>> Run)> BothProtocols(ProduceOptions run)
    {
        var what = $"{run.FlushDiskType}, {run.Senders} senders, {run.BodySize} B{(run.Batch > 1 ? $", batch {run.Batch}" : string.Empty)}";
        yield return ($"remoting-produce, {what}", token => RemotingProduceScenario.RunAsync(run, token));
        yield return ($"produce (gRPC), {what}", token => ProduceScenario.RunAsync(run, token));
    }

    private const string Header = """
        | scenario | setting | messages | throughput | latency p50 / p99 / p99.9 | broker peak RSS | broker CPU s per million messages | failed |
        |---|---|---|---|---|---|---|---|

        """;

    private static string Row(ProduceResult result) => string.Create(CultureInfo.InvariantCulture,
        $"| {result.Scenario} | {result.Setting} | {result.Count:N0} | {result.MessagesPerSecond:N0} msg/s | {result.P50Millis:F2} / {result.P99Millis:F2} / {result.P999Millis:F2} ms | {result.BrokerPeakRssBytes / (1024 * 1024)} MB | {(result.Count == 0 ? 0 : result.BrokerCpuSeconds * 1_000_000 / result.Count):F1} | {result.Failed} |\n");
}
