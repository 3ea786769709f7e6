using System.Globalization;
using System.Text;

namespace RocketTax.Bench;

/// <summary>
/// Ours and each peer back to back with the same senders, counts and body size, each peer set against our broker
/// at the durability it matches: NATS JetStream without fsync per message against <c>ASYNC_FLUSH</c>; RabbitMQ's
/// quorum queue (confirm after fsync) and JetStream with sync writes (fsync before each ack, nats-server 2.10 and
/// later) against <c>SYNC_FLUSH</c>; ours over gRPC (5.x producers) and over remoting (4.x producers, JSON or binary
/// headers). A peer that is missing is said and left out, and the rest still runs. Writes <c>compare.md</c> with
/// our ratio to each, and <c>compare.png</c>.
/// </summary>
public static class PeerComparison
{
    public static async Task<IReadOnlyList<ProduceResult>> RunAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        var asyncFlush = options with { FlushDiskType = "ASYNC_FLUSH" };
        var syncFlush = options with { FlushDiskType = "SYNC_FLUSH" };
        var pairs = new List<(ProduceResult Ours, ProduceResult Peer)>();
        var leftOut = new List<string>();
        // Each group's peers after the runs of ours set against them, as the table reads.
        var rows = new List<ProduceResult>();
        foreach (var (ours, peers) in new (
                     (string Name, Func<CancellationToken, Task<ProduceResult>> Run)[] Ours,
                     (string Name, Func<CancellationToken, Task<ProduceResult>> Run)[] Peers)[]
                 {
                     ([
                         ("gRPC, ASYNC_FLUSH", token => ProduceScenario.RunAsync(asyncFlush, token)),
                         ("remoting, JSON headers, ASYNC_FLUSH", token => RemotingProduceScenario.RunAsync(asyncFlush with { SerializeType = "JSON" }, token)),
                         ("remoting, ROCKETMQ headers, ASYNC_FLUSH", token => RemotingProduceScenario.RunAsync(asyncFlush with { SerializeType = "ROCKETMQ" }, token)),
                     ],
                     [("NATS JetStream", token => NatsProduceScenario.RunAsync(asyncFlush, token))]),
                     ([
                         ("gRPC, SYNC_FLUSH", token => ProduceScenario.RunAsync(syncFlush, token)),
                         ("remoting, ROCKETMQ headers, SYNC_FLUSH", token => RemotingProduceScenario.RunAsync(syncFlush with { SerializeType = "ROCKETMQ" }, token)),
                     ],
                     [
                         ("RabbitMQ", token => RabbitMqProduceScenario.RunAsync(syncFlush, token)),
                         ("NATS JetStream with sync writes", token => NatsProduceScenario.RunAsync(syncFlush, token)),
                     ]),
                 })
        {
            var results = new List<ProduceResult>();
            foreach (var (name, run) in ours)
            {
                Console.Error.WriteLine($"ours, {name}");
                results.Add(await run(cancellationToken));
            }

            rows.AddRange(results);
            foreach (var (name, run) in peers)
            {
                Console.Error.WriteLine(name);
                try
                {
                    var peerResult = await run(cancellationToken);
                    rows.Add(peerResult);
                    pairs.AddRange(results.Select(result => (result, peerResult)));
                }
                catch (PeerUnavailableException e)
                {
                    leftOut.Add($"{name} left out: {e.Message}");
                    Console.Error.WriteLine(leftOut[^1]);
                }
            }
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var table = Table(pairs) + string.Concat(leftOut.Select(line => $"\n{line}\n"));
        File.WriteAllText(Path.Combine(options.OutputDirectory, "compare.md"), table);
        Console.WriteLine(table);
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
