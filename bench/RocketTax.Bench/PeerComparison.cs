using System.Globalization;
using System.Text;

namespace RocketTax.Bench;

/// <summary>
/// Ours and each peer back to back with the same senders, counts and body size, each peer set against our broker
/// at the durability it matches: NATS JetStream 2.9 (no fsync per message) against <c>ASYNC_FLUSH</c>, RabbitMQ's
/// quorum queue (confirm after fsync) against <c>SYNC_FLUSH</c>. Writes <c>compare.md</c> with our ratio to each.
/// </summary>
public static class PeerComparison
{
    public static async Task<IReadOnlyList<ProduceResult>> RunAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        var pairs = new List<(ProduceResult Ours, ProduceResult Peer)>();
        foreach (var (flush, peer) in new (string, Func<ProduceOptions, CancellationToken, Task<ProduceResult>>)[]
                 {
                     ("ASYNC_FLUSH", NatsProduceScenario.RunAsync),
                     ("SYNC_FLUSH", RabbitMqProduceScenario.RunAsync),
                 })
        {
            Console.Error.WriteLine($"ours, {flush}");
            var ours = await ProduceScenario.RunAsync(options with { FlushDiskType = flush }, cancellationToken);
            pairs.Add((ours, await peer(options, cancellationToken)));
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var table = Table(pairs);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "compare.md"), table);
        Console.WriteLine(table);
        return pairs.SelectMany(p => new[] { p.Ours, p.Peer }).ToArray();
    }

    private static string Table(IEnumerable<(ProduceResult Ours, ProduceResult Peer)> pairs)
    {
        var table = new StringBuilder()
            .AppendLine("| peer | peer's setting | peer's throughput | ours, at matched durability | ours ÷ peer | p99 peer / ours | peak RSS peer / ours |")
            .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (ours, peer) in pairs)
        {
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {peer.Scenario} | {peer.Setting} | {peer.MessagesPerSecond:N0} msg/s | {ours.MessagesPerSecond:N0} msg/s ({ours.Setting}) | {ours.MessagesPerSecond / peer.MessagesPerSecond:F2}× | {peer.P99Millis:F2} / {ours.P99Millis:F2} ms | {peer.BrokerPeakRssBytes / (1024 * 1024)} / {ours.BrokerPeakRssBytes / (1024 * 1024)} MB |"));
        }

        return table.ToString();
    }
}
