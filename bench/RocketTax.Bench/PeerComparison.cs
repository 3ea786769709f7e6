using System.Globalization;
using System.Text;

namespace RocketTax.Bench;

/// <summary>
/// Ours and each peer back to back with the same senders, counts and body size, each peer set against our broker
/// at the durability it matches: NATS JetStream 2.9 (no fsync per message) against <c>ASYNC_FLUSH</c>, RabbitMQ's
/// quorum queue (confirm after fsync) against <c>SYNC_FLUSH</c>; ours over gRPC (5.x producers) and over remoting
/// (4.x producers, JSON or binary headers). Writes <c>compare.md</c> with our ratio to each, and <c>compare.png</c>.
/// </summary>
public static class PeerComparison
{
    public static async Task<IReadOnlyList<ProduceResult>> RunAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        var asyncFlush = options with { FlushDiskType = "ASYNC_FLUSH" };
        var syncFlush = options with { FlushDiskType = "SYNC_FLUSH" };
        var pairs = new List<(ProduceResult Ours, ProduceResult Peer)>();
        foreach (var (peer, ours) in new (Func<ProduceOptions, CancellationToken, Task<ProduceResult>>, (string, Func<CancellationToken, Task<ProduceResult>>)[])[]
                 {
                     (NatsProduceScenario.RunAsync,
                     [
                         ("gRPC, ASYNC_FLUSH", token => ProduceScenario.RunAsync(asyncFlush, token)),
                         ("remoting, JSON headers, ASYNC_FLUSH", token => RemotingProduceScenario.RunAsync(asyncFlush with { SerializeType = "JSON" }, token)),
                         ("remoting, ROCKETMQ headers, ASYNC_FLUSH", token => RemotingProduceScenario.RunAsync(asyncFlush with { SerializeType = "ROCKETMQ" }, token)),
                     ]),
                     (RabbitMqProduceScenario.RunAsync,
                     [
                         ("gRPC, SYNC_FLUSH", token => ProduceScenario.RunAsync(syncFlush, token)),
                         ("remoting, ROCKETMQ headers, SYNC_FLUSH", token => RemotingProduceScenario.RunAsync(syncFlush with { SerializeType = "ROCKETMQ" }, token)),
                     ]),
                 })
        {
            var results = new List<ProduceResult>();
            foreach (var (name, run) in ours)
            {
                Console.Error.WriteLine($"ours, {name}");
                results.Add(await run(cancellationToken));
            }

            var peerResult = await peer(options, cancellationToken);
            pairs.AddRange(results.Select(result => (result, peerResult)));
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var table = Table(pairs);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "compare.md"), table);
        Console.WriteLine(table);
        // Each peer after the runs of ours set against it, as the table reads.
        var rows = pairs.GroupBy(p => p.Peer).SelectMany(g => g.Select(p => p.Ours).Append(g.Key)).ToArray();
        ResultChart.Write(rows, Path.Combine(options.OutputDirectory, "compare.png"));
        return rows;
    }

    private static string Table(IEnumerable<(ProduceResult Ours, ProduceResult Peer)> pairs)
    {
        var table = new StringBuilder()
            .AppendLine("| peer | peer's setting | peer's throughput | ours, at matched durability | ours ÷ peer | p99 peer / ours | peak RSS peer / ours |")
            .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (ours, peer) in pairs)
        {
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {peer.Scenario} | {peer.Setting} | {peer.MessagesPerSecond:N0} msg/s | {ours.MessagesPerSecond:N0} msg/s ({ours.Scenario}: {ours.Setting}) | {ours.MessagesPerSecond / peer.MessagesPerSecond:F2}× | {peer.P99Millis:F2} / {ours.P99Millis:F2} ms | {peer.BrokerPeakRssBytes / (1024 * 1024)} / {ours.BrokerPeakRssBytes / (1024 * 1024)} MB |"));
        }

        return table.ToString();
    }
}
